from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_credit_check = fields.Boolean(related="company_id.account_use_credit_limit", groups="base.group_user")

    def _collection_uninvoiced_relief(self):
        """Part of the invoice already counted in the customer's uninvoiced amount (sale bridge)."""
        self.ensure_one()
        return 0.0

    def _post(self, soft=True):
        # The collection's own invoices (recovery fees, plan interest) charge what is already owed:
        # no new credit, and a reminder must never fail on the limit it is chasing.
        to_check = self.filtered(
            lambda move: move.move_type == "out_invoice"
            and move.state == "draft"
            and move.company_id.account_use_credit_limit
            and not move.sudo().collection_charge
        )
        for company in to_check.company_id:
            invoices = to_check.filtered(lambda move, company=company: move.company_id == company)
            amounts, reliefs = {}, {}
            for invoice in invoices:
                partner = invoice.commercial_partner_id
                amounts[partner] = amounts.get(partner, 0.0) + invoice.amount_total_signed
                reliefs[partner.id] = reliefs.get(partner.id, 0.0) + invoice._collection_uninvoiced_relief()
            self.env["res.partner"]._collection_check_credit(company, amounts, invoices, reliefs)
        return super()._post(soft=soft)

    def action_post_credit_override(self):
        """Posts although the credit limit is exceeded; for Collection Managers, logged."""
        self.env["res.partner"]._collection_check_override_right()
        return self.with_context(collection_credit_override=True).action_post()
