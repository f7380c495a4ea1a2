from odoo import api, fields, models


class CreditCollectionBlock(models.TransientModel):
    """Asks why the dunning of customers is blocked: no block without its reason."""

    _name = "credit.collection.block"
    _description = "Block dunning"

    partner_ids = fields.Many2many("res.partner", string="Customers", required=True)
    reason = fields.Char(required=True, help="Shown to the other collectors and in the run reports.")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if "partner_ids" in fields_list and context.get("active_model") == "res.partner" and context.get("active_ids"):
            values["partner_ids"] = [(6, 0, context["active_ids"])]
        return values

    def action_confirm(self):
        self.ensure_one()
        self.partner_ids._collection_set_blocked(self.reason)
        return {"type": "ir.actions.act_window_close"}
