from odoo import api, fields, models

from .mail_thread import REPLY_KEY


class CreditCollectionCase(models.Model):
    _inherit = "credit.collection.case"

    reply_ids = fields.One2many("credit.collection.reply", "case_id", "Customer replies")
    reply_pending_count = fields.Integer("Proposals to accept", compute="_compute_reply_pending_count")
    collection_paused_until = fields.Date(
        "Dunning paused until",
        tracking=True,
        help="The customer replied: the daily run skips it until this date, with the reason in its report.",
    )
    collection_pause_reason = fields.Char("Why paused", readonly=True)

    @api.depends("reply_ids.proposal_state")
    def _compute_reply_pending_count(self):
        for case in self:
            case.reply_pending_count = len(case.reply_ids.filtered(lambda reply: reply.proposal_state == "pending"))

    def message_update(self, msg_dict, update_vals=None):
        """A customer's email routed to the case by the reply alias or a reminder it answers."""
        info = msg_dict.pop(REPLY_KEY, None)
        result = super().message_update(msg_dict, update_vals=update_vals)
        if info is not None:
            for case in self:
                self.env["credit.collection.reply"]._receive(case, msg_dict, info)
        return result

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        msg_dict.pop(REPLY_KEY, None)
        return super().message_new(msg_dict, custom_values=custom_values)

    def action_resume_dunning(self):
        """The collector ends the pause a reply started: the next run reminds the customer again."""
        self.check_access("write")
        for case in self.filtered("collection_paused_until"):
            case.write({"collection_paused_until": False, "collection_pause_reason": False})
            case._message_log(body=self.env._("Automated dunning resumed by %s.", self.env.user.name))
        return True

    def action_open_replies(self):
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection_reply.action_collection_replies")
        action["domain"] = [("case_id", "=", self.id)]
        action["context"] = {}
        return action
