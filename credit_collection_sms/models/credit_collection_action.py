import uuid

from odoo import models
from odoo.exceptions import UserError

from .credit_collection_sms_gateway import DeliveryUncertain


class CreditCollectionAction(models.Model):
    """SMS reminders of a company with a gateway: committed under a delivery reference, posted after the commit."""

    _inherit = "credit.collection.action"

    def _sms_through_odoo(self):
        return not self.company_id.collection_sms_gateway_id and super()._sms_through_odoo()

    def _sms_delivery_values(self, number, text):
        if not self.company_id.collection_sms_gateway_id:
            return super()._sms_delivery_values(number, text)
        # Posted after this commit by _post_pending_deliveries, under this reference.
        return {"delivery_reference": self.delivery_reference or uuid.uuid4().hex}

    def _post_delivery(self):
        if self.channel != "sms":
            return super()._post_delivery()
        self.ensure_one()
        gateway = self.company_id.collection_sms_gateway_id
        if not gateway:
            self._fail(self.env._("No SMS gateway is configured any more for %s.", self.company_id.name))
            return
        try:
            gateway._send_sms(self.sms_number, self.sms_text, reference=self.delivery_reference)
        except DeliveryUncertain as error:
            self._fail(str(error), uncertain=True)
        except UserError as error:
            self._fail(error.args[0])
        else:
            self._delivered()
