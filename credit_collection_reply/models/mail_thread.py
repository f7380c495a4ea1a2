from odoo import models

from ..tools.reply_reader import is_auto_reply

# Where Odoo's gateway routes a customer's answer to a reminder: the reply alias (a case alias), a reply
# to a reminder's email (its action), a reply to a message of the case.
REPLY_MODELS = ("credit.collection.case", "credit.collection.action")
# The reading of the headers travels with the parsed email to message_update/message_new, which remove it.
REPLY_KEY = "collection_reply"


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _routing_check_route(self, message, message_dict, route, raise_exception=True):
        """A route to a collection case or reminder is sent to the customer's case (or to the replies to
        sort when the customer is unknown), with what the headers say (automatic reply or not)."""
        route = super()._routing_check_route(message, message_dict, route, raise_exception=raise_exception)
        if not route or route[0] not in REPLY_MODELS:
            return route
        headers = {name: str(value) for name, value in message.items()}
        auto = is_auto_reply(headers, message_dict.get("subject"))
        return self.env["credit.collection.reply"].sudo()._route(message_dict, route, auto)
