from odoo import api, models

from ..tools.field_access import check_domain_field_access


class CreditCollectionFieldAccessMixin(models.AbstractModel):
    """Refuses a search filtering on a field of the add-ons the user may not read.

    Inherited by every model the add-ons extend with restricted fields (see ``tools/field_access``).
    A user's partner fields are searched through the partner without its access checks (delegation):
    res.users inherits it too, so they are refused there as on the partner.
    """

    _name = "credit.collection.field.access.mixin"
    _description = "Field access on searches of the collection fields"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, *, active_test=True, bypass_access=False):
        check_domain_field_access(self, domain, bypass_access)
        return super()._search(
            domain, offset=offset, limit=limit, order=order, active_test=active_test, bypass_access=bypass_access
        )
