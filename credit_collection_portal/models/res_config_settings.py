from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .res_partner import DEFAULT_LINK_DAYS, LINK_DAYS_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_portal_link_days = fields.Integer(
        "Balance links valid for (days)",
        config_parameter=LINK_DAYS_PARAM,
        default=DEFAULT_LINK_DAYS,
        help="The link of a reminder opens the customer's balance without a login for this many days "
        "after it was sent.",
    )

    @api.constrains("collection_portal_link_days")
    def _check_collection_portal_link_days(self):
        for settings in self:
            if settings.collection_portal_link_days < 1:
                raise ValidationError(self.env._("Balance links must be valid for at least one day."))
