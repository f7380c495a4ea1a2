from odoo import api, fields, models
from odoo.tools.misc import format_date

from odoo.addons.credit_collection.tools.xlsx import workbook_bytes


class CreditCollectionAgedBalance(models.Model):
    """The aged balance ("balance âgée") as of a date, one row per customer and company.

    Rows belong to the user who asked for them: each request replaces that user's rows, filled in
    one statement from the ledger (credit.collection.kpi), then read with the list, pivot and graph
    views like any model, and grouped by customer, collector, segment or company.
    """

    _name = "credit.collection.aged.balance"
    _description = "Aged balance"
    _order = "total desc, id"
    _rec_name = "partner_id"

    owner_id = fields.Many2one(
        "res.users", required=True, index=True, ondelete="cascade", default=lambda self: self.env.user
    )
    date = fields.Date("As of", required=True)
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", "Collector", ondelete="set null")
    segment = fields.Char(help="The customer's segment in the company, when segmentation is installed.")
    not_due = fields.Monetary("Not due", currency_field="currency_id")
    days_1_30 = fields.Monetary("1-30", currency_field="currency_id")
    days_31_60 = fields.Monetary("31-60", currency_field="currency_id")
    days_61_90 = fields.Monetary("61-90", currency_field="currency_id")
    days_over_90 = fields.Monetary("Over 90", currency_field="currency_id")
    overdue = fields.Monetary(currency_field="currency_id")
    total = fields.Monetary(currency_field="currency_id")
    max_days_late = fields.Integer("Days late (oldest)", aggregator="max")

    @api.model
    def _refresh(self, date, companies):
        """Replaces the current user's rows by the aged balance of ``companies`` as of ``date``, in one
        INSERT ... SELECT from the ledger. Returns the number of rows."""
        # Written in SQL for the user: only those who may read the rows may have them built.
        self.check_access("read")
        Kpi = self.env["credit.collection.kpi"]
        query, params = Kpi._aged_query(date, companies)
        self.env.cr.execute("DELETE FROM credit_collection_aged_balance WHERE owner_id = %s", [self.env.uid])
        Kpi._no_jit()
        self.env.cr.execute(
            """
            INSERT INTO credit_collection_aged_balance
                (owner_id, date, company_id, partner_id, user_id, segment, not_due, days_1_30, days_31_60,
                 days_61_90, days_over_90, overdue, total, max_days_late, create_uid, create_date, write_uid,
                 write_date)
            SELECT %(uid)s, %(date)s, a.company_id, a.partner_id, a.collector_id, a.segment, a.not_due,
                   a.days_1_30, a.days_31_60, a.days_61_90, a.days_over_90, a.total - a.not_due, a.total,
                   GREATEST(COALESCE(a.max_days_late, 0), 0), %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM ("""
            + query
            + """) a
        """,
            dict(params, uid=self.env.uid, now=fields.Datetime.now()),
        )
        self.invalidate_model()
        return self.env.cr.rowcount

    @api.model
    def action_open(self, date=None, companies=None):
        date = date or fields.Date.context_today(self)
        self._refresh(date, companies or self.env.companies)
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection_kpi.action_collection_aged_balance")
        action["display_name"] = self.env._("Aged balance as of %s", format_date(self.env, date))
        return action

    # ------------------------------------------------------------------ export
    @api.model
    def _xlsx_columns(self):
        return [
            (self.env._("Customer"), "text", 34, False),
            (self.env._("Company"), "text", 20, False),
            (self.env._("Collector"), "text", 18, False),
            (self.env._("Segment"), "text", 18, False),
            (self.env._("Not due"), "money", 14, True),
            (self.env._("1-30"), "money", 14, True),
            (self.env._("31-60"), "money", 14, True),
            (self.env._("61-90"), "money", 14, True),
            (self.env._("Over 90"), "money", 14, True),
            (self.env._("Overdue"), "money", 14, True),
            (self.env._("Total"), "money", 14, True),
            (self.env._("Days late (oldest)"), "integer", 10, False),
        ]

    def _xlsx_rows(self):
        return [
            (
                line.partner_id.display_name,
                line.company_id.name,
                line.user_id.name or "",
                line.segment or "",
                line.not_due,
                line.days_1_30,
                line.days_31_60,
                line.days_61_90,
                line.days_over_90,
                line.overdue,
                line.total,
                line.max_days_late,
            )
            for line in self
        ]

    def action_export_xlsx(self):
        """The selected rows, or all the current user's rows, as a formatted XLSX file."""
        lines = self or self.search([("owner_id", "=", self.env.uid)])
        date = lines[:1].date or fields.Date.context_today(self)
        content = workbook_bytes(
            [(self.env._("Aged balance"), self._xlsx_columns(), lines._xlsx_rows(), self.env._("Total"))]
        )
        return self.env["credit.collection.kpi"]._download(
            self.env._("Aged balance %s.xlsx", fields.Date.to_string(date)), content
        )
