from odoo import api, models

from ..tools.field_access import check_domain_field_access


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, *, active_test=True, bypass_access=False):
        # A user's partner fields are searched through the partner without its access checks (delegation):
        # the add-ons' fields a user may not read are refused here, as on the partner.
        check_domain_field_access(self, domain, bypass_access)
        return super()._search(domain, offset=offset, limit=limit, order=order,
                               active_test=active_test, bypass_access=bypass_access)
