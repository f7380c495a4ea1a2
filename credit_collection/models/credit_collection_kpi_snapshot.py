import json

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools.misc import formatLang

from ..tools.xlsx import workbook_bytes
from .credit_collection_level import CHANNELS

# (field, label, xlsx kind) of the KPI table, in the order a finance manager reads it.
KPI_COLUMNS = [
    ("date_to", "Period end", "date"),
    ("sales", "Credit sales", "money"),
    ("receivables", "Receivables", "money"),
    ("receivables_overdue", "Overdue", "money"),
    ("dso", "DSO (days)", "number"),
    ("terms", "Contractual terms (days)", "number"),
    ("average_lateness", "Average lateness (days)", "number"),
    ("best_dso", "Best possible DSO (days)", "number"),
    ("cei", "Collection effectiveness (%)", "number"),
    ("days_to_pay", "Average days to pay", "number"),
    ("recovery_rate", "Recovery rate (%)", "number"),
    ("litigation_rate", "Litigation rate (%)", "number"),
    ("reminders_sent", "Reminders sent", "integer"),
    ("collection_cost", "Cost of collection", "money"),
    ("promises_kept_rate", "Promises kept (%)", "number"),
    ("disputes_opened", "Disputes opened", "integer"),
    ("provisioned", "Provisioned", "money"),
]


class CreditCollectionKpiSnapshot(models.Model):
    """The KPIs of one company over one period (a month, or the month to date), kept for the trends.

    One per company and period end: taking it again replaces it. The monthly scheduled action takes
    the month just ended; a manager takes the month to date from the dashboard.
    """

    _name = "credit.collection.kpi.snapshot"
    _description = "Collection KPI snapshot"
    _order = "date_to desc, company_id"
    _rec_name = "date_to"

    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date("Period start", required=True)
    date_to = fields.Date("Period end", required=True, index=True)
    sales = fields.Monetary("Credit sales", currency_field="currency_id", group_operator="sum")
    receivables_open = fields.Monetary("Receivables at start", currency_field="currency_id", group_operator="avg")
    receivables = fields.Monetary(currency_field="currency_id", group_operator="avg")
    receivables_not_due = fields.Monetary("Not due", currency_field="currency_id", group_operator="avg")
    receivables_overdue = fields.Monetary("Overdue", currency_field="currency_id", group_operator="avg")
    dso = fields.Float("DSO (days)", digits=(8, 1), group_operator="avg")
    terms = fields.Float("Contractual terms (days)", digits=(8, 1), group_operator="avg")
    average_lateness = fields.Float("Average lateness (days)", digits=(8, 1), group_operator="avg")
    best_dso = fields.Float("Best possible DSO (days)", digits=(8, 1), group_operator="avg")
    cei = fields.Float("Collection effectiveness (%)", digits=(8, 1), group_operator="avg")
    days_to_pay = fields.Float("Average days to pay", digits=(8, 1), group_operator="avg")
    days_late_paid = fields.Float("Average days late (paid)", digits=(8, 1), group_operator="avg")
    paid_count = fields.Integer("Invoices paid")
    reminded_amount = fields.Monetary("Due at first reminder", currency_field="currency_id")
    recovered = fields.Monetary("Recovered after a reminder", currency_field="currency_id")
    recovery_rate = fields.Float("Recovery rate (%)", digits=(8, 1), group_operator="avg")
    litigation_count = fields.Integer("Cases in litigation", group_operator="avg")
    litigation_amount = fields.Monetary("In litigation", currency_field="currency_id", group_operator="avg")
    litigation_rate = fields.Float("Litigation rate (%)", digits=(8, 1), group_operator="avg")
    reminders_sent = fields.Integer()
    reminders_email = fields.Integer("Emails")
    reminders_sms = fields.Integer("SMS")
    reminders_letter = fields.Integer("Letters")
    reminders_phone = fields.Integer("Calls")
    reminders_by_level = fields.Text("Reminders by level (JSON)")
    collection_cost = fields.Monetary("Cost of collection", currency_field="currency_id")
    collection_cost_ratio = fields.Float("Cost per 100 recovered", digits=(8, 2), group_operator="avg")
    promises_kept = fields.Integer()
    promises_broken = fields.Integer()
    promises_kept_rate = fields.Float("Promises kept (%)", digits=(8, 1), group_operator="avg")
    disputes_opened = fields.Integer()
    disputes_amount = fields.Monetary("Amount disputed", currency_field="currency_id")
    disputes_by_reason = fields.Text("Disputes by reason (JSON)")
    provisioned = fields.Monetary(currency_field="currency_id", group_operator="avg")

    _sql_constraints = [
        ("company_period_uniq", "unique(company_id, date_to)", "One KPI snapshot per company and period end."),
    ]

    @api.model
    def _take(self, company, date_from, date_to):
        """Computes the KPIs and stores them, replacing a snapshot of the same company and period end."""
        values = self.env["credit.collection.kpi"]._compute(company, date_from, date_to)
        by_channel = values.pop("reminders_by_channel")
        counts = values.pop("reminders_by_level")
        levels = self.env["credit.collection.level"].browse(list(counts))
        by_level = {level.display_name: counts[level.id] for level in levels}
        record = {name: value for name, value in values.items() if name in self._fields}
        record.update(
            {"reminders_%s" % channel: by_channel.get(channel, 0) for channel, _label in CHANNELS},
            reminders_by_level=json.dumps(by_level, ensure_ascii=False),
            disputes_by_reason=json.dumps(values["disputes_by_reason"]),
        )
        snapshot = self.sudo().search([("company_id", "=", company.id), ("date_to", "=", date_to)])
        if snapshot:
            snapshot.write(record)
            return snapshot
        return self.sudo().create(record)

    @api.model
    def _cron_monthly(self, today=None):
        """The month just ended, for every company with a dunning policy; idempotent."""
        today = today or fields.Date.context_today(self)
        date_to = today.replace(day=1) - relativedelta(days=1)
        for company in self.env["res.company"].search([("collection_policy_id", "!=", False)]):
            self._take(company, date_to.replace(day=1), date_to)

    @api.model
    def action_take_month_to_date(self):
        self.check_access_rights("create")
        today = fields.Date.context_today(self)
        for company in self.env.companies:
            self._take(company, today.replace(day=1), today)
        return self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_kpi_snapshots")

    # ------------------------------------------------------------------ dashboard
    @api.model
    def get_dashboard_data(self):
        """The manager dashboard of the current company: this month so far against last month, the
        trend of the stored snapshots and today's aged balance."""
        self.check_access_rights("read")
        company = self.env.company
        Kpi = self.env["credit.collection.kpi"]
        today = fields.Date.context_today(self)
        current = Kpi._compute(company, today.replace(day=1), today)
        last_end = today.replace(day=1) - relativedelta(days=1)
        previous = self.search([("company_id", "=", company.id), ("date_to", "=", last_end)], limit=1)
        previous = Kpi._compute(company, last_end.replace(day=1), last_end) if not previous else {
            name: previous[name] for name in previous._fields}
        money = lambda value: formatLang(self.env, value, currency_obj=company.currency_id, digits=0)  # noqa: E731
        number = lambda value: formatLang(self.env, value, digits=1)  # noqa: E731
        # (key, label, formatter, higher is better, action opened by the card)
        cards = [
            ("receivables_overdue", _("Overdue"), money, False, "credit_collection.action_collection_aged_balance_wizard"),
            ("dso", _("DSO (days)"), number, False, "credit_collection.action_collection_kpi_snapshots"),
            ("average_lateness", _("Average lateness (days)"), number, False,
             "credit_collection.action_collection_kpi_snapshots"),
            ("best_dso", _("Best possible DSO (days)"), number, False, "credit_collection.action_collection_kpi_snapshots"),
            ("cei", _("Collection effectiveness (%)"), number, True, "credit_collection.action_collection_kpi_snapshots"),
            ("days_to_pay", _("Average days to pay"), number, False, "credit_collection.action_collection_kpi_snapshots"),
            ("recovery_rate", _("Recovery rate (%)"), number, True, "credit_collection.action_collection_actions"),
            ("litigation_rate", _("Litigation rate (%)"), number, False, "credit_collection.action_collection_cases"),
            ("reminders_sent", _("Reminders sent"), str, None, "credit_collection.action_collection_actions"),
            ("collection_cost", _("Cost of collection"), money, False, "credit_collection.action_collection_actions"),
            ("promises_kept_rate", _("Promises kept (%)"), number, True, "credit_collection.action_collection_promises"),
            ("disputes_opened", _("Disputes opened"), str, False, "credit_collection.action_collection_disputes"),
            ("provisioned", _("Provisioned"), money, None, "credit_collection.action_collection_kpi_snapshots"),
        ]
        result_cards = []
        for key, label, formatter, higher_is_better, action in cards:
            value, before = current.get(key) or 0, previous.get(key) or 0
            trend = "equal" if abs(value - before) < 1e-6 else ("up" if value > before else "down")
            good = None if higher_is_better is None or trend == "equal" else (trend == "up") == higher_is_better
            result_cards.append({"key": key, "label": label, "value": formatter(value), "raw": value,
                                 "previous": formatter(before), "trend": trend, "good": good, "action": action})
        history = self.search([("company_id", "=", company.id)], order="date_to desc", limit=12).sorted("date_to")
        aged = Kpi._aged_rows(today, company)
        buckets = [("not_due", _("Not due")), ("days_1_30", _("1-30")), ("days_31_60", _("31-60")),
                   ("days_61_90", _("61-90")), ("days_over_90", _("Over 90"))]
        return {
            "company": company.name,
            "period": "%s - %s" % (fields.Date.to_string(today.replace(day=1)), fields.Date.to_string(today)),
            "cards": result_cards,
            "trend": {
                "labels": [fields.Date.to_string(snapshot.date_to) for snapshot in history],
                "series": [
                    {"label": _("DSO"), "values": history.mapped("dso")},
                    {"label": _("Best possible DSO"), "values": history.mapped("best_dso")},
                    {"label": _("Average lateness"), "values": history.mapped("average_lateness")},
                ],
            },
            "aged": {"labels": [label for _key, label in buckets],
                     "values": [sum(row[key] for row in aged) for key, _label in buckets]},
        }

    # ------------------------------------------------------------------ export
    def _xlsx_rows(self):
        return [tuple([snapshot.company_id.name] + [snapshot[name] for name, _label, _kind in KPI_COLUMNS])
                for snapshot in self]

    def action_export_xlsx(self):
        snapshots = self or self.search([("company_id", "in", self.env.companies.ids)])
        columns = [(_("Company"), "text", 22, False)] + [
            (_(label), kind, 14 if kind != "date" else 12, False) for _name, label, kind in KPI_COLUMNS]
        reasons = dict(self.env["credit.collection.dispute"]._fields["reason"]._description_selection(self.env))
        dispute_rows = []
        for snapshot in snapshots:
            for reason, (count, amount) in json.loads(snapshot.disputes_by_reason or "{}").items():
                dispute_rows.append((snapshot.company_id.name, snapshot.date_to, reasons.get(reason, reason),
                                     count, amount))
        dispute_columns = [(_("Company"), "text", 22, False), (_("Period end"), "date", 12, False),
                           (_("Reason"), "text", 24, False), (_("Disputes"), "integer", 10, True),
                           (_("Amount disputed"), "money", 16, True)]
        channels = self.env["credit.collection.action"]._fields["channel"]._description_selection(self.env)
        channel_columns = [(_("Company"), "text", 22, False), (_("Period end"), "date", 12, False)] + [
            (label, "integer", 10, True) for _code, label in channels]
        channel_rows = [(snapshot.company_id.name, snapshot.date_to) + tuple(
            snapshot["reminders_%s" % code] for code, _label in channels) for snapshot in snapshots]
        content = workbook_bytes([
            (_("KPIs"), columns, snapshots._xlsx_rows(), None),
            (_("Reminders by channel"), channel_columns, channel_rows, _("Total")),
            (_("Disputes by reason"), dispute_columns, dispute_rows, _("Total")),
        ])
        return self.env["credit.collection.kpi"]._download(_("Collection KPIs.xlsx"), content)
