import json
from collections import namedtuple

from dateutil.relativedelta import relativedelta

from odoo import _lt, api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang

from odoo.addons.credit_collection.models.credit_collection_level import CHANNELS
from odoo.addons.credit_collection.tools.xlsx import workbook_bytes

# (field, label, xlsx kind) of the KPI table, in the order a finance manager reads it. Each entry is a named
# call: Odoo's term extractor takes a bare tuple right after a lazy term for another term.
KpiColumn = namedtuple("KpiColumn", "name label kind")
# Lazy terms (_lt): at import there is no environment to ask self.env._ of.
# pylint: disable=prefer-env-translation
KPI_COLUMNS = [
    KpiColumn("date_to", _lt("Period end"), "date"),
    KpiColumn("sales", _lt("Credit sales"), "money"),
    KpiColumn("receivables", _lt("Receivables"), "money"),
    KpiColumn("receivables_overdue", _lt("Overdue"), "money"),
    KpiColumn("dso", _lt("DSO (days)"), "number"),
    KpiColumn("terms", _lt("Contractual terms (days)"), "number"),
    KpiColumn("average_lateness", _lt("Average lateness (days)"), "number"),
    KpiColumn("best_dso", _lt("Best possible DSO (days)"), "number"),
    KpiColumn("cei", _lt("Collection effectiveness (%)"), "number"),
    KpiColumn("days_to_pay", _lt("Average days to pay"), "number"),
    KpiColumn("recovery_rate", _lt("Recovery rate (%)"), "number"),
    KpiColumn("litigation_rate", _lt("Litigation rate (%)"), "number"),
    KpiColumn("reminders_sent", _lt("Reminders sent"), "integer"),
    KpiColumn("collection_cost", _lt("Cost of collection"), "money"),
    KpiColumn("promises_kept_rate", _lt("Promises kept (%)"), "number"),
    KpiColumn("disputes_opened", _lt("Disputes opened"), "integer"),
]
# pylint: enable=prefer-env-translation
# The ratios that may be "not available" (credit.collection.kpi._compute gives None): stored as NULL, so
# that averages over several periods skip them, and listed in unavailable_kpis for the views.
OPTIONAL_KPIS = (
    "dso",
    "terms",
    "average_lateness",
    "best_dso",
    "cei",
    "days_to_pay",
    "days_late_paid",
    "recovery_rate",
    "litigation_rate",
    "promises_kept_rate",
    "collection_cost_ratio",
)


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
    sales = fields.Monetary("Credit sales", currency_field="currency_id", aggregator="sum")
    receivables_open = fields.Monetary("Receivables at start", currency_field="currency_id", aggregator="avg")
    receivables = fields.Monetary(currency_field="currency_id", aggregator="avg")
    receivables_not_due = fields.Monetary("Not due", currency_field="currency_id", aggregator="avg")
    receivables_overdue = fields.Monetary("Overdue", currency_field="currency_id", aggregator="avg")
    dso = fields.Float("DSO (days)", digits=(8, 1), aggregator="avg")
    terms = fields.Float("Contractual terms (days)", digits=(8, 1), aggregator="avg")
    average_lateness = fields.Float("Average lateness (days)", digits=(8, 1), aggregator="avg")
    best_dso = fields.Float("Best possible DSO (days)", digits=(8, 1), aggregator="avg")
    cei = fields.Float("Collection effectiveness (%)", digits=(8, 1), aggregator="avg")
    days_to_pay = fields.Float("Average days to pay", digits=(8, 1), aggregator="avg")
    days_late_paid = fields.Float("Average days late (paid)", digits=(8, 1), aggregator="avg")
    paid_count = fields.Integer("Invoices paid")
    reminded_amount = fields.Monetary("Due at first reminder", currency_field="currency_id")
    recovered = fields.Monetary("Recovered after a reminder", currency_field="currency_id")
    recovery_rate = fields.Float("Recovery rate (%)", digits=(8, 1), aggregator="avg")
    litigation_count = fields.Integer("Cases in litigation", aggregator="avg")
    litigation_amount = fields.Monetary("In litigation", currency_field="currency_id", aggregator="avg")
    litigation_rate = fields.Float("Litigation rate (%)", digits=(8, 1), aggregator="avg")
    reminders_sent = fields.Integer()
    reminders_email = fields.Integer("Emails")
    reminders_sms = fields.Integer("SMS")
    reminders_letter = fields.Integer("Letters")
    reminders_phone = fields.Integer("Calls")
    reminders_by_level = fields.Text("Reminders by level (JSON)")
    collection_cost = fields.Monetary("Cost of collection", currency_field="currency_id")
    collection_cost_ratio = fields.Float("Cost per 100 recovered", digits=(8, 2), aggregator="avg")
    promises_kept = fields.Integer()
    promises_broken = fields.Integer()
    promises_kept_rate = fields.Float("Promises kept (%)", digits=(8, 1), aggregator="avg")
    disputes_opened = fields.Integer()
    disputes_amount = fields.Monetary("Amount disputed", currency_field="currency_id")
    disputes_by_reason = fields.Text("Disputes by reason (JSON)")
    registered_kpis = fields.Json(
        "Other KPIs",
        readonly=True,
        help="The KPIs the installed add-ons register (credit.collection.kpi._kpi_registrations), by name.",
    )
    unavailable_kpis = fields.Char(
        "Not available",
        readonly=True,
        help="The ratios whose inputs make no sense for the period (nothing sold, nothing paid or reminded, "
        "only credit notes...), comma-separated: they are left empty.",
    )

    _company_period_uniq = models.Constraint(
        "UNIQUE(company_id, date_to)", "One KPI snapshot per company and period end."
    )

    @api.depends("date_from", "date_to")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for snapshot in self:
            snapshot.display_name = "%s – %s" % (
                format_date(self.env, snapshot.date_from),
                format_date(self.env, snapshot.date_to),
            )

    @api.model
    def _take(self, company, date_from, date_to):
        """Computes the KPIs and stores them, replacing a snapshot of the same company and period end."""
        values = self.env["credit.collection.kpi"]._compute(company, date_from, date_to)
        by_channel = values.pop("reminders_by_channel")
        counts = values.pop("reminders_by_level")
        levels = self.env["credit.collection.level"].browse(list(counts))
        by_level = {level.display_name: counts[level.id] for level in levels}
        registered = {
            registration["name"]: values.pop(registration["name"])
            for registration in self.env["credit.collection.kpi"]._kpi_registrations()
        }
        record = {name: value for name, value in values.items() if name in self._fields}
        record["registered_kpis"] = registered
        unavailable = [name for name in OPTIONAL_KPIS if record.get(name) is None]
        record.update(
            {"reminders_%s" % channel: by_channel.get(channel, 0) for channel, _label in CHANNELS},
            reminders_by_level=json.dumps(by_level, ensure_ascii=False),
            disputes_by_reason=json.dumps(values["disputes_by_reason"]),
            unavailable_kpis=",%s," % ",".join(unavailable) if unavailable else False,
            **{name: 0.0 for name in unavailable},
        )
        snapshot = self.sudo().search([("company_id", "=", company.id), ("date_to", "=", date_to)])
        if snapshot:
            snapshot.write(record)
        else:
            snapshot = self.sudo().create(record)
        if unavailable:
            # The ORM writes 0.0 for an empty float: NULL is what the database must hold.
            snapshot.flush_recordset()
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s WHERE id = %s",
                    SQL.identifier(self._table),
                    SQL(", ").join(SQL("%s = NULL", SQL.identifier(name)) for name in unavailable),
                    snapshot.id,
                )
            )
            snapshot.invalidate_recordset(unavailable)
        return snapshot

    def _kpi_values(self):
        """The KPIs of the snapshot as credit.collection.kpi._compute gives them: None when not available."""
        self.ensure_one()
        unavailable = set(filter(None, (self.unavailable_kpis or "").split(",")))
        values = {name: None if name in unavailable else self[name] for name in self._fields}
        values.update(self.registered_kpis or {})
        return values

    @api.model
    def _cron_monthly(self, today=None):
        """The month just ended, for every company with a dunning policy; idempotent."""
        today = today or fields.Date.context_today(self)
        date_to = today.replace(day=1) - relativedelta(days=1)
        for company in self.env["res.company"].search([("collection_policy_id", "!=", False)]):
            self.with_context(lang=company._collection_lang())._take(company, date_to.replace(day=1), date_to)

    @api.model
    def action_take_month_to_date(self):
        self.check_access("create")
        today = fields.Date.context_today(self)
        for company in self.env.companies:
            self._take(company, today.replace(day=1), today)
        return self.env["ir.actions.act_window"]._for_xml_id("credit_collection_kpi.action_collection_kpi_snapshots")

    # ------------------------------------------------------------------ dashboard
    @api.model
    def get_dashboard_data(self):
        """The manager dashboard of the current company (see _dashboard_data), as of today."""
        self.check_access("read")
        return self._dashboard_data(fields.Date.context_today(self))

    @api.model
    def _dashboard_data(self, today):
        """This month so far against last month (its KPI snapshot when there is one), the trend of the
        monthly snapshots and the aged balance, as of ``today``.

        A KPI not available is shown so, without a trend. Counts and amounts of a month to date (reminders
        sent, cost, disputes opened) grow until the month ends: they get no trend against a whole month.
        """
        company = self.env.company
        Kpi = self.env["credit.collection.kpi"]
        month_start = today.replace(day=1)
        current = Kpi._compute(company, month_start, today)
        last_end = month_start - relativedelta(days=1)
        stored = self.search(
            [("company_id", "=", company.id), ("date_to", "=", last_end), ("date_from", "=", last_end.replace(day=1))],
            limit=1,
        )
        previous = stored._kpi_values() if stored else Kpi._compute(company, last_end.replace(day=1), last_end)
        money = lambda value: formatLang(self.env, value, currency_obj=company.currency_id, digits=0)  # noqa: E731
        number = lambda value: formatLang(self.env, value, digits=1)  # noqa: E731
        count = lambda value: formatLang(self.env, value, digits=0)  # noqa: E731
        month_complete = today == month_start + relativedelta(months=1, days=-1)
        # (key, label, formatter, higher is better, comparable with a whole month, action opened by the card)
        cards = [
            (
                "receivables_overdue",
                self.env._("Overdue"),
                money,
                False,
                True,
                "credit_collection_kpi.action_collection_aged_balance_wizard",
            ),
            (
                "dso",
                self.env._("DSO (days)"),
                number,
                False,
                True,
                "credit_collection_kpi.action_collection_kpi_snapshots",
            ),
            (
                "average_lateness",
                self.env._("Average lateness (days)"),
                number,
                False,
                True,
                "credit_collection_kpi.action_collection_kpi_snapshots",
            ),
            (
                "best_dso",
                self.env._("Best possible DSO (days)"),
                number,
                False,
                True,
                "credit_collection_kpi.action_collection_kpi_snapshots",
            ),
            (
                "cei",
                self.env._("Collection effectiveness (%)"),
                number,
                True,
                True,
                "credit_collection_kpi.action_collection_kpi_snapshots",
            ),
            (
                "days_to_pay",
                self.env._("Average days to pay"),
                number,
                False,
                True,
                "credit_collection_kpi.action_collection_kpi_snapshots",
            ),
            (
                "recovery_rate",
                self.env._("Recovery rate (%)"),
                number,
                True,
                True,
                "credit_collection.action_collection_actions",
            ),
            (
                "litigation_rate",
                self.env._("Litigation rate (%)"),
                number,
                False,
                True,
                "credit_collection.action_collection_cases",
            ),
            (
                "reminders_sent",
                self.env._("Reminders sent"),
                count,
                None,
                month_complete,
                "credit_collection.action_collection_actions",
            ),
            (
                "collection_cost",
                self.env._("Cost of collection"),
                money,
                False,
                month_complete,
                "credit_collection.action_collection_actions",
            ),
            (
                "promises_kept_rate",
                self.env._("Promises kept (%)"),
                number,
                True,
                True,
                "credit_collection.action_collection_promises",
            ),
            (
                "disputes_opened",
                self.env._("Disputes opened"),
                count,
                False,
                month_complete,
                "credit_collection.action_collection_disputes",
            ),
        ]
        formatters = {"money": money, "number": number, "integer": count}
        for registration in Kpi._kpi_registrations():
            cards.append(
                (
                    registration["name"],
                    registration["label"],
                    formatters[registration["kind"]],
                    registration.get("higher_is_better"),
                    month_complete or not registration.get("cumulative"),
                    registration.get("action") or "credit_collection_kpi.action_collection_kpi_snapshots",
                )
            )
        not_available = self.env._("not available")
        result_cards = []
        for key, label, formatter, higher_is_better, comparable, action in cards:
            value, before = current.get(key), previous.get(key)
            trend, good = None, None
            if comparable and value is not None and before is not None:
                trend = "equal" if abs(value - before) < 1e-6 else ("up" if value > before else "down")
                if higher_is_better is not None and trend != "equal":
                    good = (trend == "up") == higher_is_better
            result_cards.append(
                {
                    "key": key,
                    "label": label,
                    "raw": value,
                    "available": value is not None,
                    "value": formatter(value) if value is not None else not_available,
                    "previous": formatter(before) if before is not None else not_available,
                    "trend": trend or "equal",
                    "good": good,
                    "action": action,
                }
            )
        history = self.search(
            [("company_id", "=", company.id), ("date_to", "<=", today)], order="date_to desc", limit=12
        ).sorted("date_to")
        history_values = [snapshot._kpi_values() for snapshot in history]
        aged = Kpi._aged_rows(today, company)
        buckets = {
            "not_due": self.env._("Not due"),
            "days_1_30": self.env._("1-30"),
            "days_31_60": self.env._("31-60"),
            "days_61_90": self.env._("61-90"),
            "days_over_90": self.env._("Over 90"),
        }.items()
        return {
            "company": company.name,
            "period": "%s – %s" % (format_date(self.env, month_start), format_date(self.env, today)),
            "cards": result_cards,
            "trend": {
                "labels": [format_date(self.env, snapshot.date_to, date_format="MMM y") for snapshot in history],
                "series": [
                    {"label": label, "values": [values[key] for values in history_values]}
                    for key, label in {
                        "dso": self.env._("DSO"),
                        "best_dso": self.env._("Best possible DSO"),
                        "average_lateness": self.env._("Average lateness"),
                    }.items()
                ],
            },
            "aged": {
                "labels": [label for _key, label in buckets],
                "values": [sum(row[key] for row in aged) for key, _label in buckets],
            },
        }

    # ------------------------------------------------------------------ export
    def _xlsx_columns(self):
        """The KPI table's columns: the engine's, then those the add-ons register."""
        return KPI_COLUMNS + [
            KpiColumn(registration["name"], registration["label"], registration["kind"])
            for registration in self.env["credit.collection.kpi"]._kpi_registrations()
        ]

    def _xlsx_rows(self):
        rows = []
        columns = self._xlsx_columns()
        for snapshot in self:
            values = snapshot._kpi_values()  # a KPI not available is an empty cell
            rows.append(tuple([snapshot.company_id.name] + [values.get(name) for name, _label, _kind in columns]))
        return rows

    def action_export_xlsx(self):
        snapshots = self or self.search([("company_id", "in", self.env.companies.ids)])
        columns = [(self.env._("Company"), "text", 22, False)]
        for _name, label, kind in self._xlsx_columns():  # a loop: str() of a lazy term finds the language in this frame
            columns.append((str(label), kind, 14 if kind != "date" else 12, False))
        reasons = dict(self.env["credit.collection.dispute"]._fields["reason"]._description_selection(self.env))
        dispute_rows = []
        for snapshot in snapshots:
            for reason, (count, amount) in json.loads(snapshot.disputes_by_reason or "{}").items():
                dispute_rows.append(
                    (snapshot.company_id.name, snapshot.date_to, reasons.get(reason, reason), count, amount)
                )
        dispute_columns = [
            (self.env._("Company"), "text", 22, False),
            (self.env._("Period end"), "date", 12, False),
            (self.env._("Reason"), "text", 24, False),
            (self.env._("Disputes"), "integer", 10, True),
            (self.env._("Amount disputed"), "money", 16, True),
        ]
        channels = self.env["credit.collection.action"]._fields["channel"]._description_selection(self.env)
        channel_columns = [
            (self.env._("Company"), "text", 22, False),
            (self.env._("Period end"), "date", 12, False),
        ] + [(label, "integer", 10, True) for _code, label in channels]
        channel_rows = [
            (snapshot.company_id.name, snapshot.date_to)
            + tuple(snapshot["reminders_%s" % code] for code, _label in channels)
            for snapshot in snapshots
        ]
        content = workbook_bytes(
            [
                (self.env._("KPIs"), columns, snapshots._xlsx_rows(), None),
                (self.env._("Reminders by channel"), channel_columns, channel_rows, self.env._("Total")),
                (self.env._("Disputes by reason"), dispute_columns, dispute_rows, self.env._("Total")),
            ]
        )
        return self.env["credit.collection.kpi"]._download(self.env._("Collection KPIs.xlsx"), content)
