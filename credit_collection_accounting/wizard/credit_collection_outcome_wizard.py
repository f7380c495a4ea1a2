from odoo import api, fields, models

from ..models.credit_collection_outcome import OUTCOME_TYPES


class CreditCollectionOutcomeWizard(models.TransientModel):
    _name = "credit.collection.outcome.wizard"
    _description = "Post a collection accounting outcome"

    outcome_type = fields.Selection(
        [t for t in OUTCOME_TYPES if t[0] != "provision_reversal"], "Outcome", required=True, default="reclassification"
    )
    case_id = fields.Many2one("credit.collection.case", "Case")
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        domain="[('move_type', 'in', ('out_invoice', 'out_receipt')), ('state', '=', 'posted')]",
    )
    company_currency_id = fields.Many2one("res.currency", compute="_compute_amounts")
    open_amount = fields.Monetary("Open amount", currency_field="company_currency_id", compute="_compute_amounts")
    base_amount = fields.Monetary(
        "Untaxed open amount",
        currency_field="company_currency_id",
        compute="_compute_amounts",
        help="France: the provision is on the amount excluding VAT.",
    )
    rate = fields.Float("Provision rate (%)", default=100.0)
    amount = fields.Monetary(
        currency_field="company_currency_id", compute="_compute_amount", store=True, readonly=False
    )
    date = fields.Date(default=fields.Date.context_today, required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "account.move" and self.env.context.get("active_ids"):
            values["move_ids"] = [(6, 0, self.env.context["active_ids"])]
        return values

    @api.depends("move_ids")
    def _compute_amounts(self):
        outcomes = self.env["credit.collection.outcome"]
        for wizard in self:
            # While the dialog is open the invoices are new records (onchange): the ledger is searched
            # with their real ids, else every amount reads 0.
            invoices = wizard.move_ids._origin
            wizard.company_currency_id = invoices.company_id[:1].currency_id or self.env.company.currency_id
            valid = invoices.filtered(lambda m: m.state == "posted")
            wizard.open_amount = outcomes._open_amount(valid)
            wizard.base_amount = outcomes._provision_base(valid)

    @api.depends("base_amount", "rate")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = wizard.company_currency_id.round(wizard.base_amount * wizard.rate / 100.0)

    def action_post(self):
        self.ensure_one()
        outcomes = self.env["credit.collection.outcome"]
        outcomes._check_manager()
        if self.outcome_type == "reclassification":
            outcome = outcomes._reclassify(self.move_ids, date=self.date)
        elif self.outcome_type == "provision":
            outcome = outcomes._provision(self.move_ids, amount=self.amount, date=self.date)
        else:
            outcome = outcomes._write_off(self.move_ids, date=self.date)
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.collection.outcome",
            "view_mode": "form",
            "res_id": outcome.id,
        }
