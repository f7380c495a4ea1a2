"""Field-level access the ORM of Odoo 17 leaves open."""

ADDON_PREFIX = "credit_collection"


def is_addon_field(field):
    return any(module.startswith(ADDON_PREFIX) for module in field._modules)


def check_domain_field_access(model, domain, access_rights_uid=None):
    """Refuses a search filtering on a field of the add-ons the user may not read.

    Odoo 17 checks a field's groups when it is read, not when it is searched on: a domain on it would
    still answer yes or no about its value (a portal user testing its own risk grade).
    """
    if model.env.su or access_rights_uid or not domain:
        return
    names = {leaf[0].split(".", 1)[0] for leaf in domain
             if isinstance(leaf, (list, tuple)) and len(leaf) == 3 and isinstance(leaf[0], str)}
    restricted = [name for name in names
                  if name in model._fields and model._fields[name].groups and is_addon_field(model._fields[name])]
    if restricted:
        model.check_field_access_rights("read", restricted)
