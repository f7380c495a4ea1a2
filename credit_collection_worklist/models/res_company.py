from odoo import fields, models


class ResCompany(models.Model):
    """The weights of the worklist's ranking, per company (see readme/CONFIGURE.md)."""

    _inherit = "res.company"

    collection_worklist_default_probability = fields.Float(
        "Probability without a payer profile",
        default=0.5,
        digits=(5, 3),
        help="Late-payment probability used for a customer the scoring has not assessed yet.",
    )
    collection_worklist_promise_due_weight = fields.Float(
        "Promise due",
        default=1.0,
        help="Added to the multiplier when a payment promise falls due today (or is past and not settled).",
    )
    collection_worklist_broken_promise_weight = fields.Float(
        "Broken promise",
        default=1.5,
        help="Added to the multiplier when a promise was broken within the recent days.",
    )
    collection_worklist_missed_instalment_weight = fields.Float(
        "Missed instalment",
        default=1.0,
        help="Added to the multiplier when an instalment of a payment plan is missed.",
    )
    collection_worklist_dispute_overdue_weight = fields.Float(
        "Dispute past its deadline",
        default=0.5,
        help="Added to the multiplier when an open dispute is past its deadline.",
    )
    collection_worklist_hold_factor = fields.Float(
        "On hold",
        default=0.1,
        help="The priority of a customer whose dunning is blocked, whose dispute is open or who is in "
        "insolvency proceedings is multiplied by this factor.",
    )
    collection_worklist_contacted_factor = fields.Float(
        "Just contacted",
        default=0.3,
        help="The priority of a customer called or reminded within the contact days is multiplied by this factor.",
    )
    collection_worklist_contact_days = fields.Integer(
        "Contact days",
        default=3,
        help="A call or a reminder sent within this many days counts as a recent contact.",
    )
    collection_worklist_recent_days = fields.Integer(
        "Recent days",
        default=30,
        help="A promise broken or an instalment missed within this many days raises the priority.",
    )
    collection_worklist_callback_days = fields.Integer(
        "Call back after (days)",
        default=2,
        help="When a call is not answered, the next call is planned this many days later.",
    )
    collection_worklist_followup_days = fields.Integer(
        "Follow up after (days)",
        default=7,
        help="When the customer is reached without a promise or a dispute, the next call is planned this "
        "many days later.",
    )
