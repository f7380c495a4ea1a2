import json
from datetime import timedelta

import xlrd
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools.misc import format_date

from odoo.addons.credit_collection.tests.common import CollectionCommon


def read_xlsx(env, action):
    attachment = env["ir.attachment"].browse(int(action["url"].split("/")[3].split("?")[0]))
    return xlrd.open_workbook(file_contents=attachment.raw)


@tagged("post_install", "-at_install")
class TestKpi(CollectionCommon):
    """A small ledger whose aged balance and KPIs are computed by hand below (T = today).

    Customer A (Durand): inv1 1000 invoiced T-60, due T-30, 400 paid T-10 -> 600 open, 30 days late;
    inv2 2000 invoiced T-20, due T+10, not due; inv3 500 invoiced T-100, due T-70, 200 paid T-65 ->
    300 open, 70 days late; a credit note of 100 on T-3, not reconciled (-100, 3 days).
    Customer B: inv4 800 invoiced T-150, due T-120, open; inv5 400 invoiced T-10, due T+20, paid T-5.
    Company 2: 999 for A, never counted in company 1.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        T = cls.today
        cls.T = T
        cls.other = cls.env["res.partner"].create({"name": "Boulangerie Martin", "is_company": True})
        cls.inv1 = cls._invoice(1000.0, T - timedelta(days=30))
        cls.inv2 = cls._invoice(2000.0, T + timedelta(days=10))
        cls.inv3 = cls._invoice(500.0, T - timedelta(days=70))
        cls.inv4 = cls._invoice(800.0, T - timedelta(days=120), partner=cls.other)
        cls.inv5 = cls._invoice(400.0, T + timedelta(days=20), partner=cls.other)
        refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": cls.customer.id,
                "invoice_date": T - timedelta(days=3),
                "invoice_date_due": T - timedelta(days=3),  # not the default payment term of the database
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Goodwill", "quantity": 1, "price_unit": 100.0, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        refund.action_post()
        cls.refund = refund
        cls._invoice(999.0, T - timedelta(days=40), company=cls.company_data_2["company"])

    def _payments(self):
        T = self.T
        self._pay(self.inv3, amount=200.0, date=T - timedelta(days=65))
        self._pay(self.inv1, amount=400.0, date=T - timedelta(days=10))
        self._pay(self.inv5, date=T - timedelta(days=5))

    def _aged(self, date, company=None):
        rows = self.env["credit.collection.kpi"]._aged_rows(date, company or self.company)
        return {row["partner_id"]: row for row in rows}

    def _buckets(self, row):
        return [
            round(row[key], 2) for key in ("not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "total")
        ]

    def test_aged_balance_today(self):
        self._payments()
        aged = self._aged(self.T)
        self.assertEqual(set(aged), {self.customer.id, self.other.id})
        self.assertEqual(self._buckets(aged[self.customer.id]), [2000.0, 500.0, 0.0, 300.0, 0.0, 2800.0])
        self.assertEqual(self._buckets(aged[self.other.id]), [0.0, 0.0, 0.0, 0.0, 800.0, 800.0])
        self.assertEqual(aged[self.other.id]["max_days_late"], 120)
        other_company = self._aged(self.T, self.company_data_2["company"])
        self.assertEqual(self._buckets(other_company[self.customer.id]), [0.0, 0.0, 999.0, 0.0, 0.0, 999.0])

    def test_aged_balance_as_of_a_past_date(self):
        self._payments()
        # T-64: inv1, inv2, inv5 and the credit note do not exist yet; inv3's 200 (T-65) is paid.
        aged = self._aged(self.T - timedelta(days=64))
        self.assertEqual(self._buckets(aged[self.customer.id]), [0.0, 300.0, 0.0, 0.0, 0.0, 300.0])
        self.assertEqual(self._buckets(aged[self.other.id]), [0.0, 0.0, 800.0, 0.0, 0.0, 800.0])
        # T-66: the payment of T-65 is not there yet: inv3 open in full.
        aged = self._aged(self.T - timedelta(days=66))
        self.assertEqual(self._buckets(aged[self.customer.id]), [0.0, 500.0, 0.0, 0.0, 0.0, 500.0])
        # T-11: inv1's payment of T-10 does not count yet; inv3 is 59 days late then.
        aged = self._aged(self.T - timedelta(days=11))
        self.assertEqual(self._buckets(aged[self.customer.id]), [2000.0, 1000.0, 300.0, 0.0, 0.0, 3300.0])
        self.assertEqual(self._buckets(aged[self.other.id]), [0.0, 0.0, 0.0, 0.0, 800.0, 800.0])  # inv5: T-10

    def test_aged_balance_report_by_collector(self):
        self._payments()
        collector = self.env["res.users"].create({"name": "Claire Collectrice", "login": "claire_kpi"})
        self.customer.with_company(self.company).collection_user_id = collector
        Aged = self.env["credit.collection.aged.balance"]
        self.assertEqual(Aged._refresh(self.T, self.company), 2)
        groups = Aged._read_group([("owner_id", "=", self.env.uid)], ["user_id"], ["total:sum", "days_over_90:sum"])
        totals = {user.id: (total, over_90) for user, total, over_90 in groups}
        self.assertEqual(totals[collector.id], (2800.0, 0.0))
        self.assertEqual(totals[False], (800.0, 800.0))
        # A second request replaces the rows: the balance as of T-64.
        Aged._refresh(self.T - timedelta(days=64), self.company)
        self.assertEqual(sum(Aged.search([("owner_id", "=", self.env.uid)]).mapped("total")), 1100.0)

    def _follow_up(self):
        """Reminders, promises, disputes and a case in litigation, dated by hand."""
        T = self.T
        Action = self.env["credit.collection.action"]

        def reminder(invoice, level, channel, days_ago, days_late, state="sent"):
            line = invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            return Action.create(
                {
                    "company_id": self.company.id,
                    "partner_id": invoice.partner_id.id,
                    "level_id": level.id,
                    "channel": channel,
                    "date": T - timedelta(days=days_ago),
                    "state": state,
                    "line_ids": [
                        Command.create(
                            {
                                "move_line_id": line.id,
                                "move_id": invoice.id,
                                "level_id": level.id,
                                "days_late": days_late,
                                "date_maturity": invoice.invoice_date_due,
                                "amount_residual": invoice.amount_total,
                                "state": "done",
                            }
                        )
                    ],
                }
            )

        reminder(self.inv1, self.level_1, "email", 25, 5)  # first reminder of inv1, owed 1000 then
        reminder(self.inv1, self.level_2, "sms", 5, 25)
        reminder(self.inv2, self.level_pre, "email", 15, -5)  # before the due date: no recovery cohort
        reminder(self.inv4, self.level_1, "email", 100, 20)  # before the period
        reminder(self.inv1, self.level_formal, "letter", 2, 28, state="cancelled")
        self._payments()
        Promise = self.env["credit.collection.promise"]
        for days_ago, state in ((8, "kept"), (20, "broken"), (2, "open"), (40, "kept")):
            Promise.create(
                {"partner_id": self.customer.id, "amount": 10.0, "promise_date": T - timedelta(days=days_ago)}
            ).state = state
        Dispute = self.env["credit.collection.dispute"]
        Dispute.create({"partner_id": self.customer.id, "move_ids": [Command.set(self.inv2.ids)], "reason": "quality"})
        Dispute.create({"partner_id": self.customer.id, "move_ids": [Command.set(self.inv1.ids)], "reason": "price"})
        self.env["credit.collection.case"]._get_or_open(self.other, self.company, "litigation")
        self.company.write({"collection_cost_email": 1.0, "collection_cost_sms": 2.0, "collection_cost_letter": 5.0})

    def test_every_kpi_against_the_hand_ledger(self):
        self._follow_up()
        T = self.T
        kpi = self.env["credit.collection.kpi"]._compute(self.company, T - timedelta(days=29), T)
        self.assertEqual(kpi["days"], 30)
        # Sales of the period: inv2 2000 + inv5 400 - credit note 100; terms: both invoices are 30 days.
        self.assertAlmostEqual(kpi["sales"], 2300.0)
        self.assertAlmostEqual(kpi["terms"], 30.0)
        # Receivables at T-30: inv1 1000 + inv3 300 + inv4 800; at T: 3600, of which 2000 not due.
        self.assertAlmostEqual(kpi["receivables_open"], 2100.0)
        self.assertAlmostEqual(kpi["receivables"], 3600.0)
        self.assertAlmostEqual(kpi["receivables_not_due"], 2000.0)
        self.assertAlmostEqual(kpi["receivables_overdue"], 1600.0)
        self.assertAlmostEqual(kpi["dso"], 3600.0 / 2300.0 * 30, places=4)  # 46.96
        self.assertAlmostEqual(kpi["best_dso"], 2000.0 / 2300.0 * 30, places=4)  # 26.09
        self.assertAlmostEqual(kpi["average_lateness"], 3600.0 / 2300.0 * 30 - 30, places=4)  # 16.96
        self.assertAlmostEqual(kpi["cei"], 800.0 / 2400.0 * 100, places=4)  # (2100+2300-3600)/(2100+2300-2000)
        # Paid off in the period: inv5 only, 5 days after its invoice date, not late.
        self.assertEqual(kpi["paid_count"], 1)
        self.assertAlmostEqual(kpi["days_to_pay"], 5.0)
        self.assertAlmostEqual(kpi["days_late_paid"], 0.0)
        # First reminders in the period: inv1 (owed 1000), 400 paid since.
        self.assertEqual(kpi["reminded_count"], 1)
        self.assertAlmostEqual(kpi["reminded_amount"], 1000.0)
        self.assertAlmostEqual(kpi["recovered"], 400.0)
        self.assertAlmostEqual(kpi["recovery_rate"], 40.0)
        # Sent in the period: 2 emails, 1 SMS (the letter was cancelled); cost 2 x 1 + 1 x 2.
        self.assertEqual(kpi["reminders_by_channel"], {"email": 2, "sms": 1})
        self.assertEqual(kpi["reminders_by_level"], {self.level_1.id: 1, self.level_2.id: 1, self.level_pre.id: 1})
        self.assertAlmostEqual(kpi["collection_cost"], 4.0)
        self.assertAlmostEqual(kpi["collection_cost_ratio"], 1.0)  # 4 per 400 recovered = 1 %
        # B (800) is in litigation.
        self.assertEqual(kpi["litigation_count"], 1)
        self.assertAlmostEqual(kpi["litigation_rate"], 800.0 / 3600.0 * 100, places=4)
        # Promises due in the period: one kept, one broken, one still open.
        self.assertEqual((kpi["promises_kept"], kpi["promises_broken"]), (1, 1))
        self.assertAlmostEqual(kpi["promises_kept_rate"], 50.0)
        self.assertEqual(kpi["disputes_by_reason"], {"quality": (1, 2000.0), "price": (1, 600.0)})

    def test_empty_period(self):
        kpi = self.env["credit.collection.kpi"]._compute(
            self.company, self.T + timedelta(days=400), self.T + timedelta(days=429)
        )
        # Nothing sold, reminded or paid: those ratios are not available (None), not a division error nor a
        # 0 that reads as a result; nothing of the 4,600 collectible was collected: CEI 0 %.
        self.assertEqual(
            (kpi["sales"], kpi["dso"], kpi["best_dso"], kpi["average_lateness"], kpi["terms"]),
            (0.0, None, None, None, None),
        )
        self.assertEqual(
            (kpi["recovery_rate"], kpi["days_to_pay"], kpi["promises_kept_rate"], kpi["collection_cost_ratio"]),
            (None, None, None, None),
        )
        self.assertEqual(kpi["cei"], 0.0)
        self.assertAlmostEqual(kpi["receivables"], 4600.0)

    def test_snapshots_are_kept_once_per_period(self):
        self._follow_up()
        Snapshot = self.env["credit.collection.kpi.snapshot"]
        Snapshot._cron_monthly(self.T)
        Snapshot._cron_monthly(self.T)
        last_month_end = self.T.replace(day=1) - timedelta(days=1)
        snapshots = Snapshot.search([("company_id", "=", self.company.id), ("date_to", "=", last_month_end)])
        self.assertEqual(len(snapshots), 1)
        self.assertEqual(snapshots.date_from, last_month_end.replace(day=1))
        snapshot = Snapshot._take(self.company, self.T - timedelta(days=29), self.T)
        self.assertAlmostEqual(snapshot.dso, 3600.0 / 2300.0 * 30, places=1)
        self.assertEqual((snapshot.reminders_email, snapshot.reminders_sms, snapshot.reminders_letter), (2, 1, 0))
        self.assertEqual(json.loads(snapshot.disputes_by_reason), {"quality": [1, 2000.0], "price": [1, 600.0]})
        again = Snapshot._take(self.company, self.T - timedelta(days=29), self.T)
        self.assertEqual(again, snapshot)

    def test_dashboard_data(self):
        self._follow_up()
        data = self.env["credit.collection.kpi.snapshot"].get_dashboard_data()
        cards = {card["key"]: card for card in data["cards"]}
        self.assertAlmostEqual(cards["receivables_overdue"]["raw"], 1600.0)
        self.assertEqual(data["aged"]["values"], [2000.0, 500.0, 0.0, 300.0, 800.0])

    def test_xlsx_exports_read_back(self):
        self._follow_up()
        Aged = self.env["credit.collection.aged.balance"]
        Aged._refresh(self.T, self.company)
        book = read_xlsx(self.env, Aged.search([("owner_id", "=", self.env.uid)]).action_export_xlsx())
        sheet = book.sheet_by_index(0)
        self.assertEqual(sheet.row_values(0)[:5], ["Customer", "Company", "Collector", "Segment", "Not due"])
        rows = {sheet.cell_value(r, 0): sheet.row_values(r) for r in range(1, sheet.nrows)}
        self.assertEqual(rows[self.customer.display_name][4:11], [2000.0, 500.0, 0.0, 300.0, 0.0, 800.0, 2800.0])
        self.assertEqual(rows["Total"][4:11], [2000.0, 500.0, 0.0, 300.0, 800.0, 1600.0, 3600.0])
        self.assertEqual(sheet.nrows, 4)  # header, two customers, totals

        snapshot = self.env["credit.collection.kpi.snapshot"]._take(self.company, self.T - timedelta(days=29), self.T)
        book = read_xlsx(self.env, snapshot.action_export_xlsx())
        kpis = book.sheet_by_index(0)
        header = kpis.row_values(0)
        self.assertEqual(header[:3], ["Company", "Period end", "Credit sales"])
        self.assertAlmostEqual(kpis.cell_value(1, header.index("DSO (days)")), 47.0)  # stored to 0.1 day
        self.assertEqual(xlrd.xldate_as_datetime(kpis.cell_value(1, 1), book.datemode).date(), self.T)
        channels = book.sheet_by_index(1)
        self.assertEqual(channels.row_values(1)[2:6], [2.0, 1.0, 0.0, 0.0])
        disputes = book.sheet_by_index(2)
        self.assertEqual(disputes.row_values(disputes.nrows - 1)[3:5], [2.0, 2600.0])

        actions = self.env["credit.collection.action"].search([("company_id", "=", self.company.id)])
        book = read_xlsx(self.env, actions.action_export_xlsx())
        sheet = book.sheet_by_index(0)
        self.assertEqual(sheet.nrows, len(actions) + 2)
        self.assertEqual(sheet.row_values(sheet.nrows - 1)[0], "Total")
        self.assertAlmostEqual(sheet.cell_value(sheet.nrows - 1, 9), sum(actions.mapped("amount_due")))


@tagged("post_install", "-at_install")
class TestKpiAvailability(CollectionCommon):
    """The dashboard as the finance manager sees it on the first days of a month and after a month of
    credit notes only: no negative DSO, no trend on a figure that is not available or not comparable,
    and last month's figures are those of its KPI record.

    Month M starts on M1 (three months ago). Invoices of 1,000 dated M1-20 and M1-10 (30 days), a credit
    note of 300 on the first one dated M1 (its only sale of the first days: -300). Two months before, only
    a credit note of 200 (P1, a month of credit notes only) on an invoice of 800 dated before it, whose
    rest is paid the month after.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.m1 = cls.today.replace(day=1) - relativedelta(months=3)
        cls.p1 = cls.m1 - relativedelta(months=2)
        first = cls._invoice_dated(1000.0, cls.m1 - timedelta(days=20))
        cls._invoice_dated(1000.0, cls.m1 - timedelta(days=10))
        cls._credit_note(300.0, cls.m1, first)
        old = cls._invoice_dated(800.0, cls.p1 - timedelta(days=45))
        cls._credit_note(200.0, cls.p1 + timedelta(days=5), old)
        cls._pay(cls, old, date=cls.p1 + relativedelta(months=1, days=5))  # the rest, the month after
        cls.manager = cls._collection_user("manager_kpi", "credit_collection.group_collection_manager")
        cls.Snapshot = cls.env["credit.collection.kpi.snapshot"].with_user(cls.manager).with_company(cls.company)

    @classmethod
    def _invoice_dated(cls, amount, invoice_date):
        return cls._invoice(amount, invoice_date + timedelta(days=30))  # 30 days after its date

    @classmethod
    def _credit_note(cls, amount, date, invoice):
        refund = cls.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": cls.customer.id,
                "invoice_date": date,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Goodwill", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
                    )
                ],
            }
        )
        refund.action_post()
        (refund | invoice).line_ids.filtered(lambda line: line.account_type == "asset_receivable").reconcile()
        return refund

    def _cards(self, data):
        return {card["key"]: card for card in data["cards"]}

    def test_month_to_date_of_one_to_three_days(self):
        for day in (1, 2, 3):
            today = self.m1 + timedelta(days=day - 1)
            kpi = self.env["credit.collection.kpi"]._compute(self.company, self.m1, today)
            self.assertAlmostEqual(kpi["sales"], -300.0)  # the period's own sales: a credit note
            # Receivables 700 + 1,000, all not due; the DSO divides by the 28 days of sales up to today
            # (2,000 - 300), not by the days of the month so far.
            self.assertAlmostEqual(kpi["receivables"], 1700.0)
            self.assertAlmostEqual(kpi["dso"], 1700.0 / 1700.0 * 28)
            self.assertAlmostEqual(kpi["best_dso"], 1700.0 / 1700.0 * 28)
            self.assertAlmostEqual(kpi["terms"], 30.0)
            self.assertEqual(kpi["average_lateness"], 0.0)  # DSO under the terms: not late
            data = self.Snapshot._dashboard_data(today)
            cards = self._cards(data)
            self.assertEqual(cards["dso"]["value"], "28.0")
            for card in data["cards"]:
                self.assertTrue(card["raw"] is None or card["raw"] >= 0, card)
                self.assertFalse(card["value"].lstrip().startswith("-"), card)
                self.assertTrue(card["available"] or card["trend"] == "equal" and card["good"] is None, card)
            # Counts and amounts of a few days get no arrow against a whole month.
            for key in ("reminders_sent", "collection_cost", "disputes_opened"):
                self.assertEqual((cards[key]["trend"], cards[key]["good"]), ("equal", None), key)
            # Nothing paid, reminded or promised yet: not available, not 0.
            for key in ("days_to_pay", "recovery_rate", "promises_kept_rate"):
                self.assertEqual((cards[key]["raw"], cards[key]["value"]), (None, "not available"), key)
            self.assertEqual(data["period"], "%s – %s" % (format_date(self.env, self.m1), format_date(self.env, today)))

    def test_period_with_credit_notes_only(self):
        end = self.p1 + relativedelta(months=1, days=-1)
        kpi = self.env["credit.collection.kpi"]._compute(self.company, self.p1, end)
        self.assertAlmostEqual(kpi["sales"], -200.0)
        self.assertAlmostEqual(kpi["receivables"], 600.0)
        # The old formula gave 600 / -200 x 30 = -90 days.
        self.assertEqual((kpi["dso"], kpi["best_dso"], kpi["average_lateness"], kpi["terms"]), (None, None, None, None))
        snapshot = self.Snapshot.sudo()._take(self.company, self.p1, end)
        self.assertEqual(
            snapshot.with_context(lang="fr_FR").display_name,
            "%s – %s"
            % (format_date(self.env, self.p1, lang_code="fr_FR"), format_date(self.env, end, lang_code="fr_FR")),
        )
        self.assertNotIn(str(end), snapshot.display_name)  # not the ISO date
        self.cr.execute(
            "SELECT dso, best_dso, average_lateness, terms, cei FROM credit_collection_kpi_snapshot WHERE id = %s",
            [snapshot.id],
        )
        dso, best, lateness, terms, cei = self.cr.fetchone()
        self.assertEqual((dso, best, lateness, terms), (None, None, None, None))  # NULL: averages skip them
        self.assertIsNotNone(cei)
        self.assertIn(",dso,", snapshot.unavailable_kpis)
        self.assertIsNone(snapshot._kpi_values()["dso"])
        # The next month's dashboard shows that record as last month: not available, no arrow.
        data = self.Snapshot._dashboard_data(end + timedelta(days=2))
        card = self._cards(data)["dso"]
        self.assertEqual((card["previous"], card["trend"], card["good"]), ("not available", "equal", None))
        # The KPI export leaves the cell empty.
        book = read_xlsx(self.env, snapshot.with_user(self.manager).action_export_xlsx())
        sheet = book.sheet_by_index(0)
        self.assertEqual(sheet.cell_value(1, sheet.row_values(0).index("DSO (days)")), "")

    def test_last_month_is_its_kpi_record(self):
        """A reminder planned on the last day of a month and sent the next counts in the next month: the
        month's record, taken when it ended, stays what the dashboard shows for it."""
        end = self.m1 - timedelta(days=1)
        level = self.level_1
        invoice = self.env["account.move"].search(
            [("partner_id", "=", self.customer.id), ("invoice_date", "=", self.m1 - timedelta(days=10))]
        )
        line = invoice.line_ids.filtered(lambda line: line.account_type == "asset_receivable")
        action = self.env["credit.collection.action"].create(
            {
                "company_id": self.company.id,
                "partner_id": self.customer.id,
                "level_id": level.id,
                "channel": "email",
                "date": end,
                "state": "to_review",
                "line_ids": [
                    Command.create(
                        {
                            "move_line_id": line.id,
                            "move_id": invoice.id,
                            "level_id": level.id,
                            "days_late": 5,
                            "date_maturity": line.date_maturity,
                            "amount_residual": 1000.0,
                            "state": "planned",
                        }
                    )
                ],
            }
        )
        record = self.Snapshot.sudo()._take(self.company, end.replace(day=1), end)
        self.assertEqual(record.reminders_sent, 0)
        action.write({"state": "sent", "sent_date": fields.Datetime.to_datetime(self.m1) + timedelta(hours=10)})
        data = self.Snapshot._dashboard_data(self.m1 + timedelta(days=1))
        card = self._cards(data)["reminders_sent"]
        self.assertEqual((card["raw"], card["previous"]), (1, "0"))
        # Taken again, last month still says 0: what was sent in it does not change once it is over.
        self.assertEqual(self.Snapshot.sudo()._take(self.company, end.replace(day=1), end).reminders_sent, 0)
