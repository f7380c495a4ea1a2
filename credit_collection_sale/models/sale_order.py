from odoo import api, fields, models

from .res_partner import RISK_READERS


class SaleOrder(models.Model):
    _inherit = ["sale.order", "credit.collection.field.access.mixin"]

    # The customer's risk, read-only for sales people (computed with the collection add-on's rights);
    # the customer on the portal reads its orders, never these.
    collection_credit_warning = fields.Text(
        "Credit limit exceeded",
        compute="_compute_collection_credit",
        groups=RISK_READERS,
        help="The customer's or its credit group's limit this order would exceed once confirmed.",
    )
    collection_credit_blocked = fields.Boolean(compute="_compute_collection_credit", groups=RISK_READERS)
    collection_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Customer risk", groups=RISK_READERS
    )
    collection_credit_limit = fields.Float(
        related="partner_id.commercial_partner_id.credit_limit", string="Credit limit", groups=RISK_READERS
    )
    collection_exposure = fields.Monetary(
        related="partner_id.commercial_partner_id.collection_exposure",
        string="Exposure",
        currency_field="collection_company_currency_id",
        groups=RISK_READERS,
    )
    collection_overdue_amount = fields.Monetary(
        related="partner_id.commercial_partner_id.collection_overdue_amount",
        string="Overdue",
        currency_field="collection_company_currency_id",
        groups=RISK_READERS,
    )
    collection_risk_grade = fields.Selection(
        related="partner_id.commercial_partner_id.collection_risk_grade", string="Risk grade", groups=RISK_READERS
    )
    collection_late_probability = fields.Float(
        related="partner_id.commercial_partner_id.collection_late_probability",
        string="Late payment probability",
        groups=RISK_READERS,
    )
    collection_company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company currency", groups=RISK_READERS
    )

    def _collection_credit_amounts(self):
        """{commercial partner: amount in company currency} the orders add to the exposure."""
        amounts = {}
        for order in self:
            partner = order.partner_id.commercial_partner_id
            amounts[partner] = amounts.get(partner, 0.0) + order.amount_total / (order.currency_rate or 1.0)
        return amounts

    @api.depends("partner_id", "amount_total", "company_id", "state")
    @api.depends_context("uid")
    def _compute_collection_credit(self):
        Partner = self.env["res.partner"]
        for order in self:
            order.collection_credit_warning = False
            order.collection_credit_blocked = False
            company = order.company_id
            if order.state not in ("draft", "sent") or not company.account_use_credit_limit or not order.partner_id:
                continue
            breaches = Partner._collection_credit_breaches(company, order._collection_credit_amounts())
            if breaches:
                order.collection_credit_warning = "\n".join(
                    Partner._collection_breach_message(company, breach) for breach in breaches
                )
                order.collection_credit_blocked = company.collection_credit_limit_mode == "block"

    def action_confirm(self):
        for company in self.company_id:
            orders = self.filtered(
                lambda order, company=company: order.company_id == company and order.state in ("draft", "sent")
            )
            if orders:
                self.env["res.partner"]._collection_check_credit(company, orders._collection_credit_amounts(), orders)
        return super().action_confirm()

    def action_confirm_credit_override(self):
        """Confirms although the credit limit is exceeded; for Collection Managers, logged."""
        self.env["res.partner"]._collection_check_override_right()
        return self.with_context(collection_credit_override=True).action_confirm()
