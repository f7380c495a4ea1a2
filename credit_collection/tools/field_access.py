"""Field-level access on searches through a field's own search method.

Odoo 19 checks a stored field's groups when a domain on it becomes SQL; a computed field searched
through its search method is translated into other fields first, and its own groups are never checked:
a domain on it would still answer yes or no about its value (a portal user testing its own risk grade).
"""

from odoo.fields import Domain

ADDON_PREFIX = "credit_collection"


def is_addon_field(field):
    return any(module.startswith(ADDON_PREFIX) for module in field._modules)


def check_fields_access(model, names, operation):
    """Raises AccessError when the user may not ``operation`` (read/write) one of the add-ons' fields."""
    if model.env.su:
        return
    for name in names:
        field = model._fields.get(name)
        if field is not None and field.groups and is_addon_field(field):
            model._check_field_access(field, operation)


def check_domain_field_access(model, domain, bypass_access=False):
    """Refuses a search filtering on a field of the add-ons the user may not read."""
    if model.env.su or bypass_access or not domain:
        return
    names = {condition.field_expr.split(".", 1)[0] for condition in Domain(domain).iter_conditions()}
    check_fields_access(model, names, "read")
