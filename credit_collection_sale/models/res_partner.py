from odoo import api, fields, models

# Sales people read the customer's risk summary (SPEC §10); the rest stays the collectors' data.
RISK_READERS = "credit_collection.group_collection_user,sales_team.group_sale_salesman"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Odoo's credit limit is the accountants'; sales people read it here and write it nowhere.
    collection_credit_limit = fields.Float(related="credit_limit", string="Credit limit", groups=RISK_READERS)
    collection_exposure = fields.Monetary(groups=RISK_READERS)
    collection_overdue_amount = fields.Monetary(groups=RISK_READERS)
    collection_risk_grade = fields.Selection(groups=RISK_READERS)
    collection_late_probability = fields.Float(groups=RISK_READERS)
    collection_avg_days_late = fields.Float(groups=RISK_READERS)

    @api.model
    def _collection_exposure_contributions(self):
        return super()._collection_exposure_contributions() + ["_collection_uninvoiced"]

    @api.model
    def _collection_uninvoiced(self, company, partners, reliefs=None):
        """Confirmed orders' amount still to invoice (tax included, like receivables), converted to the
        company currency at each order's rate, per commercial partner: one search for all of them. An
        invoice being posted (``reliefs``) turns part of it into a receivable: that part is left out."""
        result = {}
        if not partners:
            return result
        # amount_to_invoice is computed, not stored, since 19.0: read it through the ORM.
        orders = (
            self.env["sale.order"]
            .sudo()
            .with_company(company)
            .search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "sale"),
                    ("partner_id.commercial_partner_id", "in", partners.commercial_partner_id.ids),
                ]
            )
        )
        for order in orders:
            if order.currency_id.compare_amounts(order.amount_to_invoice, 0.0) > 0:
                partner_id = order.partner_id.commercial_partner_id.id
                result[partner_id] = result.get(partner_id, 0.0) + order.amount_to_invoice / (
                    order.currency_rate or 1.0
                )
        reliefs = reliefs or {}
        return {partner_id: max(amount - reliefs.get(partner_id, 0.0), 0.0) for partner_id, amount in result.items()}
