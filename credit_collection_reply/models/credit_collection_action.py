from odoo import models


class CreditCollectionAction(models.Model):
    _inherit = "credit.collection.action"

    def _render_email_values(self, template):
        """Reminders go out with the reply alias as Reply-To: Odoo's mail gateway brings the answer to the case."""
        values = super()._render_email_values(template)
        for action in self:
            reply_to = action.company_id._collection_reply_to()
            if reply_to and isinstance(values.get(action.id), dict):
                values[action.id]["reply_to"] = reply_to
        return values
