from odoo import api, fields, models

COLLECTION_USER = "credit_collection.group_collection_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_policy_manual = fields.Boolean(
        "Policy set by hand",
        company_dependent=True,
        groups=COLLECTION_USER,
        help="Segmentation rules leave the dunning policy of this customer alone. Set when the policy is "
        "chosen by hand.",
    )
    # Not readonly: Odoo stores no value of a readonly company-dependent field.
    collection_segment_rule_id = fields.Many2one(
        "credit.collection.segment.rule",
        "Segment",
        company_dependent=True,
        groups=COLLECTION_USER,
        help="The segmentation rule that chose the customer's dunning policy.",
    )

    @api.model
    def _collection_manager_fields(self):
        return super()._collection_manager_fields() | {"collection_policy_manual", "collection_segment_rule_id"}

    def write(self, vals):
        if (
            "collection_policy_id" in vals
            and "collection_policy_manual" not in vals
            and not self.env.context.get("collection_segmentation")
        ):
            vals = dict(
                vals, collection_policy_manual=bool(vals["collection_policy_id"]), collection_segment_rule_id=False
            )
        return super().write(vals)

    @api.model
    def _collection_segment_sql(self, partner_alias, company_sql):
        return f"""(SELECT COALESCE(seg.name ->> %(lang)s, seg.name ->> 'en_US')
                     FROM credit_collection_segment_rule seg
                    WHERE seg.id = ({partner_alias}.collection_segment_rule_id ->> ({company_sql})::text)::int)"""
