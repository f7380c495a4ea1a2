import logging

import requests

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..tools.http import retrying_session

_logger = logging.getLogger(__name__)


class CreditCollectionSmsGateway(models.Model):
    """A generic HTTP SMS gateway: POST {"to", "message", "sender"} as JSON with a bearer key."""

    _name = "credit.collection.sms.gateway"
    _description = "SMS gateway"

    name = fields.Char(required=True)
    url = fields.Char("Endpoint URL", required=True)
    api_key = fields.Char("API key", groups="credit_collection.group_collection_manager")
    sender = fields.Char(help="Sender name or number shown to the customer.")
    timeout = fields.Float("Timeout (s)", default=10.0)
    retries = fields.Integer(default=2, help="Retries on refused connections and 502/503/504 answers.")

    def _session(self):
        # Never retry a read timeout: the SMS may have left, and a customer must not get it twice.
        return retrying_session(self.retries, "POST", retry_reads=False)

    def _send_sms(self, number, message):
        """Returns the gateway's message id; raises UserError with a readable reason otherwise."""
        self.ensure_one()
        gateway = self.sudo()
        headers = {"Authorization": "Bearer %s" % gateway.api_key} if gateway.api_key else {}
        try:
            answer = gateway._session().post(
                gateway.url, json={"to": number, "message": message, "sender": gateway.sender or ""},
                headers=headers, timeout=gateway.timeout)
        except requests.Timeout:
            raise UserError(_("SMS gateway %s did not answer within %s s.", self.name, gateway.timeout)) from None
        except requests.RequestException as error:
            raise UserError(_("SMS gateway %(name)s unreachable: %(error)s", name=self.name, error=error)) from None
        if answer.status_code >= 400:
            raise UserError(_("SMS gateway %(name)s refused the message (HTTP %(code)s): %(text)s",
                              name=self.name, code=answer.status_code, text=answer.text[:200]))
        try:
            return answer.json().get("id")
        except ValueError:
            raise UserError(_("SMS gateway %s sent an answer that is not JSON.", self.name)) from None
