from odoo import api, fields, models


class CreditCollectionCreditGroup(models.Model):
    """A commercial group of customers sharing one credit limit (a head office and its branches,
    companies of one owner): the group's exposure is the sum of its members' exposures."""

    _name = "credit.collection.credit.group"
    _description = "Credit group"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    credit_limit = fields.Monetary(
        currency_field="currency_id", help="Limit of the whole group's exposure; 0 means no group limit."
    )
    partner_ids = fields.Many2many(
        "res.partner",
        compute="_compute_partner_ids",
        string="Members",
        help="Customers whose credit group, in this company, is this one.",
    )
    partner_count = fields.Integer(compute="_compute_partner_ids")
    exposure = fields.Monetary(
        compute="_compute_exposure",
        currency_field="currency_id",
        help="Open receivables of the members, plus what is ordered but not invoiced yet.",
    )
    note = fields.Text()

    def _compute_partner_ids(self):
        for group in self:
            members = (
                self.env["res.partner"]
                .with_company(group.company_id)
                .search([("collection_credit_group_id", "=", group.id)])
            )
            group.partner_ids = members
            group.partner_count = len(members)

    @api.depends("partner_ids")
    def _compute_exposure(self):
        for group in self:
            exposures = self.env["res.partner"]._collection_exposures(group.company_id, group.partner_ids)
            group.exposure = sum(exposures.values())
