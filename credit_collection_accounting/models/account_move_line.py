from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    collection_invoice_id = fields.Many2one(
        "account.move",
        "Doubtful receivable of",
        readonly=True,
        index="btree_not_null",
        copy=False,
        groups="base.group_user",
        help="On the doubtful-receivable (416) line of a reclassification: the invoice it carries; the customer's "
        "payment of that invoice is reconciled with this line.",
    )
