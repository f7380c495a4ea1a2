from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_worklist_default_probability = fields.Float(
        related="company_id.collection_worklist_default_probability", readonly=False
    )
    collection_worklist_promise_due_weight = fields.Float(
        related="company_id.collection_worklist_promise_due_weight", readonly=False
    )
    collection_worklist_broken_promise_weight = fields.Float(
        related="company_id.collection_worklist_broken_promise_weight", readonly=False
    )
    collection_worklist_missed_instalment_weight = fields.Float(
        related="company_id.collection_worklist_missed_instalment_weight", readonly=False
    )
    collection_worklist_dispute_overdue_weight = fields.Float(
        related="company_id.collection_worklist_dispute_overdue_weight", readonly=False
    )
    collection_worklist_hold_factor = fields.Float(related="company_id.collection_worklist_hold_factor", readonly=False)
    collection_worklist_contacted_factor = fields.Float(
        related="company_id.collection_worklist_contacted_factor", readonly=False
    )
    collection_worklist_contact_days = fields.Integer(
        related="company_id.collection_worklist_contact_days", readonly=False
    )
    collection_worklist_recent_days = fields.Integer(
        related="company_id.collection_worklist_recent_days", readonly=False
    )
    collection_worklist_callback_days = fields.Integer(
        related="company_id.collection_worklist_callback_days", readonly=False
    )
    collection_worklist_followup_days = fields.Integer(
        related="company_id.collection_worklist_followup_days", readonly=False
    )
