from odoo import api, fields, models

from .credit_collection_case_transfer import THIRD_PARTY_ROLES


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_third_party_role = fields.Selection(
        THIRD_PARTY_ROLES,
        "Collection role",
        copy=False,
        groups="credit_collection.group_collection_user",
        help="A third party cases can be transferred to: collection agency, lawyer (avocat), "
        "bailiff (commissaire de justice / huissier).",
    )

    @api.model
    def _collection_manager_fields(self):
        return super()._collection_manager_fields() | {"collection_third_party_role"}
