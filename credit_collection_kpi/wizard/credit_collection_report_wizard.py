from odoo import api, fields, models
from odoo.exceptions import UserError


class CreditCollectionReportWizard(models.TransientModel):
    """Asks the date of an aged balance, or the period of a KPI snapshot, for the allowed companies."""

    _name = "credit.collection.report.wizard"
    _description = "Collection report options"

    report = fields.Selection(
        [("aged_balance", "Aged balance"), ("kpi", "KPIs")], required=True, default="aged_balance"
    )
    date = fields.Date("As of", default=fields.Date.context_today)
    date_from = fields.Date("From", default=lambda self: fields.Date.context_today(self).replace(day=1))
    date_to = fields.Date("To", default=fields.Date.context_today)
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        default=lambda self: self.env.companies,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )

    @api.onchange("date_to")
    def _onchange_date_to(self):
        if self.date_to and self.date_from and self.date_from > self.date_to:
            self.date_from = self.date_to.replace(day=1)

    def _companies(self):
        companies = self.company_ids & self.env.user.company_ids
        if not companies:
            raise UserError(self.env._("Choose at least one of your companies."))
        return companies

    def action_open(self):
        self.ensure_one()
        if self.report == "aged_balance":
            return self.env["credit.collection.aged.balance"].action_open(self.date, self._companies())
        if self.date_from > self.date_to:
            raise UserError(self.env._("The period starts after it ends."))
        Snapshot = self.env["credit.collection.kpi.snapshot"]
        snapshots = Snapshot.browse()
        for company in self._companies():
            snapshots |= Snapshot._take(company, self.date_from, self.date_to)
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection_kpi.action_collection_kpi_snapshots")
        action["domain"] = [("id", "in", snapshots.ids)]
        action["views"] = [(False, "list"), (False, "form")]
        return action

    def action_export_xlsx(self):
        self.ensure_one()
        if self.report == "aged_balance":
            Aged = self.env["credit.collection.aged.balance"]
            Aged._refresh(self.date, self._companies())
            return Aged.search([("owner_id", "=", self.env.uid)]).action_export_xlsx()
        action = self.action_open()
        return self.env["credit.collection.kpi.snapshot"].browse(action["domain"][0][2]).action_export_xlsx()
