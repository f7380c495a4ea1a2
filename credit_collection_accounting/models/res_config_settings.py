from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collection_doubtful_account_id = fields.Many2one(
        related="company_id.collection_doubtful_account_id", readonly=False
    )
    collection_provision_account_id = fields.Many2one(
        related="company_id.collection_provision_account_id", readonly=False
    )
    collection_provision_expense_account_id = fields.Many2one(
        related="company_id.collection_provision_expense_account_id", readonly=False
    )
    collection_provision_income_account_id = fields.Many2one(
        related="company_id.collection_provision_income_account_id", readonly=False
    )
    collection_writeoff_account_id = fields.Many2one(
        related="company_id.collection_writeoff_account_id", readonly=False
    )
    collection_outcome_journal_id = fields.Many2one(related="company_id.collection_outcome_journal_id", readonly=False)
    collection_writeoff_recover_vat = fields.Boolean(
        related="company_id.collection_writeoff_recover_vat", readonly=False
    )
