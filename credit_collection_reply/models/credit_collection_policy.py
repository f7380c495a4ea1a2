from odoo import fields, models


class CreditCollectionPolicy(models.Model):
    _inherit = "credit.collection.policy"

    reply_pause_days = fields.Integer(
        "Pause after a reply (days)",
        default=7,
        help="A customer who answers a reminder by email is not reminded automatically for this many days "
        "from its reply (0: a reply pauses nothing). Automatic replies (out of office) never pause.",
    )
