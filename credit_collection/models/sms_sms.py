from odoo import models

SENT_STATES = ("pending", "sent")


class SmsSms(models.Model):
    """Reminders sent through Odoo's own SMS service follow their SMS: sent, or failed with the reason."""

    _inherit = "sms.sms"

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") in SENT_STATES + ("error", "canceled"):
            actions = (
                self.env["credit.collection.action"]
                .sudo()
                .search([("sms_id", "in", self.ids), ("state", "=", "sending")])
            )
            for action in actions:
                if action.sms_id.state in SENT_STATES:
                    action._delivered()
                else:
                    action._fail(action.sms_id.with_context(lang=action._note_lang())._failure_text())
        return result

    def _failure_text(self):
        if self.state == "canceled":
            return self.env._("The SMS was cancelled before it was sent.")
        failures = dict(self._fields["failure_type"]._description_selection(self.env))
        return self.env._(
            "The SMS service refused the SMS: %s", failures.get(self.failure_type) or self.env._("unknown error")
        )
