from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_reply_alias_name = fields.Char(
        "Reply alias",
        compute="_compute_collection_reply_alias",
        inverse="_inverse_collection_reply_alias",
        help="Reminders go out with this address as Reply-To; the customers' answers land on their case.",
    )
    collection_reply_alias_domain_id = fields.Many2one(
        "mail.alias.domain",
        "Reply alias domain",
        compute="_compute_collection_reply_alias",
        inverse="_inverse_collection_reply_alias",
    )

    @api.depends("company_id")
    def _compute_collection_reply_alias(self):
        for settings in self:
            alias = settings.company_id._collection_reply_alias().sudo()
            settings.collection_reply_alias_name = alias.alias_name
            settings.collection_reply_alias_domain_id = alias.alias_domain_id

    def _inverse_collection_reply_alias(self):
        for settings in self:
            alias = settings.company_id._collection_reply_alias().sudo()
            if alias and (
                alias.alias_name != settings.collection_reply_alias_name
                or alias.alias_domain_id != settings.collection_reply_alias_domain_id
            ):
                alias.write(
                    {
                        "alias_name": settings.collection_reply_alias_name,
                        "alias_domain_id": settings.collection_reply_alias_domain_id.id,
                    }
                )
