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
    def _collection_uninvoiced(self, company, partners):
        """Confirmed orders' amount still to invoice (tax included, like receivables), converted to the
        company currency at each order's rate, per commercial partner: one query for all of them."""
        result = super()._collection_uninvoiced(company, partners)
        if not partners:
            return result
        self.env["sale.order"].flush_model(["amount_to_invoice", "currency_rate", "state", "partner_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute("""
            SELECT p.commercial_partner_id, SUM(o.amount_to_invoice / COALESCE(NULLIF(o.currency_rate, 0), 1))
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
             WHERE o.company_id = %s AND o.state = 'sale' AND o.amount_to_invoice > 0
               AND p.commercial_partner_id = ANY(%s)
          GROUP BY p.commercial_partner_id
        """, [company.id, partners.commercial_partner_id.ids])
        for partner_id, amount in self.env.cr.fetchall():
            result[partner_id] = result.get(partner_id, 0.0) + float(amount)
        return result
