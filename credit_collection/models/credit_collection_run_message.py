from odoo import fields, models


class CreditCollectionRunMessage(models.Model):
    _name = "credit.collection.run.message"
    _description = "Item skipped or failed in a collection run"
    _order = "id"

    run_id = fields.Many2one("credit.collection.run", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="run_id.company_id", store=True, index=True)
    kind = fields.Selection([("skipped", "Skipped"), ("error", "Error")], required=True)
    partner_id = fields.Many2one("res.partner")
    action_id = fields.Many2one("credit.collection.action")
    move_ids = fields.Many2many("account.move", string="Invoices")
    reason = fields.Char(required=True)
