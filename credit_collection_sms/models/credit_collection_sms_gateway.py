import logging

import requests
from urllib3.exceptions import NewConnectionError

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.credit_collection.tools.http import retrying_session

_logger = logging.getLogger(__name__)


class DeliveryUncertain(UserError):
    """The message may have left: the gateway took it but its answer was lost (timeout, dropped connection)."""


class CreditCollectionSmsGateway(models.Model):
    """A generic HTTP SMS gateway: POST {"to", "message", "sender", "reference"} as JSON with a bearer key.

    ``reference`` (also sent as the ``Idempotency-Key`` header) is the same for every post of one
    message: a gateway that already took it answers with its id and does not deliver it again.
    """

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

    def _send_sms(self, number, message, reference=None):
        """Returns the gateway's message id; raises UserError with a readable reason when the message
        was refused or could not be handed over, DeliveryUncertain when it may have left."""
        self.ensure_one()
        gateway = self.sudo()
        headers = {"Authorization": "Bearer %s" % gateway.api_key} if gateway.api_key else {}
        payload = {"to": number, "message": message, "sender": gateway.sender or ""}
        if reference:
            headers["Idempotency-Key"] = reference
            payload["reference"] = reference
        try:
            answer = gateway._session().post(gateway.url, json=payload, headers=headers, timeout=gateway.timeout)
        except requests.ConnectTimeout:
            raise UserError(
                self.env._(
                    "SMS gateway %(name)s unreachable: no connection within %(timeout)s s.",
                    name=self.name,
                    timeout=gateway.timeout,
                )
            ) from None
        except requests.Timeout:
            raise DeliveryUncertain(
                self.env._(
                    "SMS gateway %(name)s did not answer within %(timeout)s s: the SMS may have left. A retry posts it "
                    "again with the same reference, which the gateway does not deliver twice.",
                    name=self.name,
                    timeout=gateway.timeout,
                )
            ) from None
        except requests.ConnectionError as error:
            if _connection_refused(error):
                raise UserError(
                    self.env._("SMS gateway %(name)s unreachable: %(error)s", name=self.name, error=error)
                ) from None
            raise DeliveryUncertain(
                self.env._(
                    "SMS gateway %(name)s dropped the connection before answering (%(error)s): the SMS may have left. "
                    "A retry posts it again with the same reference.",
                    name=self.name,
                    error=error,
                )
            ) from None
        except requests.RequestException as error:
            raise UserError(
                self.env._("SMS gateway %(name)s unreachable: %(error)s", name=self.name, error=error)
            ) from None
        if answer.status_code >= 400:
            raise UserError(
                self.env._(
                    "SMS gateway %(name)s refused the message (HTTP %(code)s): %(text)s",
                    name=self.name,
                    code=answer.status_code,
                    text=answer.text[:200],
                )
            )
        try:
            return answer.json().get("id")
        except ValueError:
            raise UserError(self.env._("SMS gateway %s sent an answer that is not JSON.", self.name)) from None


def _connection_refused(error):
    """True when the request never reached the gateway (refused, unknown host): nothing was sent."""
    cause = error.args[0] if error.args else None
    reason = getattr(cause, "reason", cause)
    return isinstance(reason, (NewConnectionError, ConnectionRefusedError))
