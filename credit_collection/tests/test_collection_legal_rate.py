"""Late interest of the engine alone (no country's law): rates by half-year, computed half-year by
half-year, the ECB fetch against a local server speaking the ECB API's SDMX-JSON. French law's hand cases
are l10n_fr_credit_collection's."""

import contextlib
import json
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import CollectionCommon

RATE_LOGGER = "odoo.addons.credit_collection.models.credit_collection_legal_rate"


def sdmx_json(changes, prepared):
    """An answer shaped as the ECB data API's SDMX-JSON for FM.D.U2.EUR.4F.KR.MRR_FR.LEV (dates of change)."""
    return {
        "header": {
            "id": "test",
            "test": False,
            "prepared": "%sT10:00:00.000+01:00" % prepared,
            "sender": {"id": "ECB.DISS"},
        },
        "dataSets": [
            {
                "action": "Replace",
                "validFrom": "%sT10:00:00.000+01:00" % prepared,
                "series": {
                    "0:0:0:0:0:0:0": {
                        "attributes": [0, None, 0],
                        "observations": {
                            str(index): [rate, 0, 0, None, None] for index, (_day, rate) in enumerate(changes)
                        },
                    }
                },
            }
        ],
        "structure": {
            "name": "Financial market data",
            "dimensions": {
                "series": [{"id": "FREQ", "name": "Frequency", "values": [{"id": "D", "name": "Daily"}]}],
                "observation": [
                    {
                        "id": "TIME_PERIOD",
                        "name": "Time period or range",
                        "role": "time",
                        "values": [
                            {
                                "id": day,
                                "name": day,
                                "start": "%sT00:00:00.000+01:00" % day,
                                "end": "%sT23:59:59.999+01:00" % day,
                            }
                            for day, _rate in changes
                        ],
                    }
                ],
            },
        },
    }


class EcbHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        if self.server.delay:
            time.sleep(self.server.delay)
        body = self.server.body.encode()
        # the timeout case: the client gave up before the answer, as it should
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@tagged("post_install", "-at_install")
class TestLegalRateInterest(CollectionCommon):
    """Hand cases of the engine alone (no country's law): 10,000 EUR due 2023-05-15, claimed 2024-02-10,
    Actual/365. Between professionals the ECB rate plus the minimum margin of Directive 2011/7/EU (8
    points); a contract rate applies as agreed (no floor); the legal rate is the one a manager enters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.level_formal.interest_mode = "legal_b2b"

    def _periods(self, level, amount, start, end):
        return [
            (p["date_from"], p["date_to"], p["days"], round(p["rate"], 4), p["amount"])
            for p in level._interest_periods(amount, start, end)
        ]

    def _assert_amount(self, amount, expected):
        self.assertEqual(self.company.currency_id.compare_amounts(amount, expected), 0, (amount, expected))

    def test_engine_ships_no_country_rate_nor_policy(self):
        rates = self.env["credit.collection.legal.rate"]
        self.assertEqual(
            rates._rates_by_half_year("ecb_mro", date(2023, 1, 1), date(2023, 12, 31)),
            {date(2023, 1, 1): 2.5, date(2023, 7, 1): 4.0},
        )
        neutral = self.env.ref("credit_collection.policy_default").sudo()
        self.assertEqual(set(neutral.level_ids.mapped("interest_mode")), {"none"})
        self.assertFalse(any(neutral.level_ids.mapped("recovery_fee")))
        self.assertTrue(neutral.level_ids.filtered("is_formal_notice"))

    def test_b2b_half_year_by_half_year(self):
        # 2023-05-16..06-30: 46 days at 2.50 + 8 = 10.50 %: 10000 x 10.50 % x 46/365 = 132.329 -> 132.33
        # 2023-07-01..12-31: 184 days at 4.00 + 8 = 12.00 %: 10000 x 12.00 % x 184/365 = 604.932 -> 604.93
        # 2024-01-01..02-10: 41 days at 4.50 + 8 = 12.50 %: 10000 x 12.50 % x 41/365 = 140.411 -> 140.41
        # total 877.671 -> 877.67
        level = self.level_formal
        self.assertEqual(level._late_interest_margin(), 8.0)
        self.assertEqual(
            self._periods(level, 10000.0, date(2023, 5, 15), date(2024, 2, 10)),
            [
                ("2023-05-16", "2023-06-30", 46, 10.5, 132.33),
                ("2023-07-01", "2023-12-31", 184, 12.0, 604.93),
                ("2024-01-01", "2024-02-10", 41, 12.5, 140.41),
            ],
        )
        self._assert_amount(level._interest_between(10000.0, date(2023, 5, 15), date(2024, 2, 10)), 877.67)

    def test_consumer_legal_rate_entered_by_a_manager(self):
        # The rates of the creditor's country, entered by hand (the engine ships none): 4.22 % then 5.07 %.
        # 10000 x 4.22 % x 41/365 = 47.403; 10000 x 5.07 % x 41/365 = 56.951; total 104.353 -> 104.35
        self._set_legal_rate("legal_other", 2023, 2, 4.22)
        self._set_legal_rate("legal_other", 2024, 1, 5.07)
        level = self.level_formal
        level.write({"interest_mode": "legal_consumer", "interest_start": "formal_notice"})
        start = level._interest_start_date(date(2023, 5, 15), date(2023, 11, 20))
        self.assertEqual(
            self._periods(level, 10000.0, start, date(2024, 2, 10)),
            [("2023-11-21", "2023-12-31", 41, 4.22, 47.40), ("2024-01-01", "2024-02-10", 41, 5.07, 56.95)],
        )
        self._assert_amount(level._interest_between(10000.0, start, date(2024, 2, 10)), 104.35)

    def test_contract_rate_applies_as_agreed(self):
        # No floor without a country's law: 4 % a year over 271 days: 10000 x 4 % x 271/365 = 296.986 -> 296.99
        level = self.level_formal
        level.write({"interest_mode": "contract", "interest_rate": 4.0})
        self.assertEqual(
            [p[3] for p in self._periods(level, 10000.0, date(2023, 5, 15), date(2024, 2, 10))], [4.0, 4.0, 4.0]
        )
        self._assert_amount(level._interest_between(10000.0, date(2023, 5, 15), date(2024, 2, 10)), 296.99)
        with self.assertRaises(ValidationError):
            level.interest_rate = 0.0

    def test_consumer_policy_refuses_professional_charges(self):
        consumer_policy = self.policy.copy({"customer_type": "professional"})
        consumer_policy.level_ids.write({"recovery_fee": 0.0, "interest_mode": "none"})
        consumer_policy.customer_type = "consumer"
        level = consumer_policy.level_ids.filtered("is_formal_notice")[:1] or consumer_policy.level_ids[:1]
        with self.assertRaises(ValidationError):
            level.interest_mode = "legal_b2b"
        with self.assertRaises(ValidationError):
            level.recovery_fee = 40.0

    def test_missing_half_year_holds_the_reminder(self):
        """No rate for the half-year: the reminder is held with a clear error, then planned once entered."""
        self.env["credit.collection.legal.rate"].sudo().search(
            [("kind", "=", "ecb_mro"), ("year", "=", 2026), ("half", "=", "2")]
        ).unlink()
        invoice = self._invoice(1000.0, date(2026, 6, 1))
        run = self._run(date(2026, 8, 10))
        self.assertFalse(self._actions(invoice).filtered(lambda a: a.level_id == self.level_formal))
        error = run.message_ids_report.filtered(lambda m: m.kind == "error" and invoice in m.move_ids)
        self.assertEqual(len(error), 1)
        self.assertIn("Formal notice held: no ECB main refinancing rate of 2026 S2", error.reason)
        # A manager enters it: the next run plans the notice with it.
        # 1000 x (2.15 + 8) % x 29 days (2026-06-02..06-30) / 365 = 8.0644
        #  + 1000 x (1.90 + 8) % x 41 days (2026-07-01..08-10) / 365 = 11.1205; total 19.185 -> 19.18
        manager = self._collection_user("rate_manager", "credit_collection.group_collection_manager")
        self.env["credit.collection.legal.rate"].with_user(manager).create(
            {"kind": "ecb_mro", "year": 2026, "half": "2", "rate": 1.90}
        )
        self._run(date(2026, 8, 10))
        notice = self._actions(invoice).filtered(lambda a: a.level_id == self.level_formal)
        self.assertTrue(notice)
        for action in notice:
            self._assert_amount(action.interest_amount, 19.18)
        line = notice[:1].line_ids
        self.assertEqual(
            [(p["date_from"], p["rate"]) for p in line.interest_periods], [("2026-06-02", 10.15), ("2026-07-01", 9.9)]
        )

    def test_letter_and_invoice_without_a_countrys_law(self):
        """The engine alone quotes no country's law: no French article on the letter nor the invoice."""
        self.level_formal.write({"auto_send": True, "invoice_fees": True})
        self.level_escalation.active = False  # 271 days late: the formal notice is the level reached
        invoice = self._invoice(10000.0, date(2023, 5, 15))
        run = self._run(date(2024, 2, 10))
        letter_action = run.action_ids.filtered(lambda a: a.channel == "letter" and a.level_id == self.level_formal)
        self._assert_amount(letter_action.interest_amount, 877.67)
        report = self.env.ref("credit_collection.action_report_collection_letter")
        html = report._render_qweb_html(report.report_name, letter_action.ids)[0].decode()
        self.assertIn("plus 8 points:", html)
        self.assertIn("fixed compensation for recovery costs of", html)
        self.assertIn("This letter constitutes a formal notice to pay.", html)
        for french_law in ("L441-10", "1344", "1231-6", "French"):
            self.assertNotIn(french_law, html)
        for shown in ("05/16/2023", "06/30/2023", "10.50", "12.00", "12.50", "132.33", "604.93", "140.41"):
            self.assertIn(shown, html)
        letter_action.line_ids.state = "done"
        letter_action._invoice_fees()
        lines = letter_action.fee_invoice_id.invoice_line_ids
        interest_line = lines.filtered(lambda line: "interest" in line.name)
        self.assertTrue(interest_line.name.startswith("Late-payment interest - %s" % invoice.name), interest_line.name)
        self.assertNotIn("art.", " ".join(lines.mapped("name")))
        self.assertIn("07/01/2023 to 12/31/2023, 184 days at 12.00 %", interest_line.name)


@tagged("post_install", "-at_install")
class TestLegalRateRights(CollectionCommon):
    def test_collector_reads_manager_edits(self):
        collector = self._collection_user("rate_collector")
        manager = self._collection_user("rate_manager", "credit_collection.group_collection_manager")
        rates = self.env["credit.collection.legal.rate"]
        rate = self.env.ref("credit_collection.legal_rate_ecb_mro_2024_1")
        self.assertEqual(rate.with_user(collector).rate, 4.5)
        self.assertTrue(rates.with_user(collector).search_count([("kind", "=", "ecb_mro")]))
        with self.assertRaises(AccessError):
            rate.with_user(collector).write({"rate": 6.0})
        with self.assertRaises(AccessError):
            rates.with_user(collector).create({"kind": "legal_other", "year": 2014, "half": "2", "rate": 0.04})
        with self.assertRaises(AccessError):
            rate.with_user(collector).unlink()
        rate.with_user(manager).write({"rate": 4.55})
        self.assertEqual(rate.rate, 4.55)
        created = rates.with_user(manager).create({"kind": "legal_other", "year": 2014, "half": "2", "rate": 0.04})
        self.assertEqual(created.date_start, date(2014, 7, 1))
        self.assertEqual(created.date_end, date(2014, 12, 31))


@tagged("post_install", "-at_install")
class TestEcbRateFetch(CollectionCommon):
    CHANGES = [
        ("2024-12-18", 3.15),
        ("2025-02-05", 2.90),
        ("2025-03-12", 2.65),
        ("2025-04-23", 2.40),
        ("2025-06-11", 2.15),
        ("2026-06-17", 1.90),
    ]  # the last one is the test's, not the ECB's

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = ThreadingHTTPServer(("127.0.0.1", 0), EcbHandler)
        cls.server.requests, cls.server.delay, cls.server.body = [], 0, "{}"
        threading.Thread(target=cls.server.serve_forever, daemon=True).start()
        cls.addClassCleanup(cls.server.shutdown)
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param(
            "credit_collection.ecb_mro_url",
            "http://127.0.0.1:%s/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV?format=jsondata" % cls.server.server_port,
        )
        params.set_param("credit_collection.ecb_timeout", "0.5")
        cls.rates = cls.env["credit.collection.legal.rate"]

    def setUp(self):
        super().setUp()
        # The table as shipped: ECB rates up to 2026 S1; every half-year begun since is to fetch.
        self.rates.sudo().search([("kind", "=", "ecb_mro"), ("date_start", ">", "2026-01-01")]).unlink()
        self.server.requests.clear()
        self.server.delay = 0
        self.expected_new = []
        start = date(2026, 7, 1)
        while start <= self.today:
            self.expected_new.append(start)
            start = date(start.year + (start.month == 7), 1 if start.month == 7 else 7, 1)

    def _ecb_table(self):
        return {(r.year, r.half): r.rate for r in self.rates.search([("kind", "=", "ecb_mro")])}

    def test_success_adds_the_new_half_year(self):
        self.server.body = json.dumps(sdmx_json(self.CHANGES, self.today))
        created = self.rates._cron_fetch_ecb_rate()
        self.assertEqual(len(self.server.requests), 1)
        self.assertIn("D.U2.EUR.4F.KR.MRR_FR.LEV", self.server.requests[0])
        self.assertEqual(created.mapped("date_start"), self.expected_new)
        self.assertEqual(set(created.mapped("rate")), {1.90}, "the rate in force on 1 July 2026 (from 17 June)")
        self.assertEqual(self._ecb_table()[(2026, "2")], 1.90)
        self.assertEqual(self._ecb_table()[(2026, "1")], 2.15, "the known half-years are left as they are")
        # Once the half-year is known, the next run asks nothing.
        self.server.requests.clear()
        self.assertFalse(self.rates._cron_fetch_ecb_rate())
        self.assertFalse(self.server.requests)

    def test_no_new_value_adds_nothing(self):
        # An answer prepared before 1 July 2026 cannot tell the rate in force on that day.
        before = self._ecb_table()
        self.server.body = json.dumps(sdmx_json(self.CHANGES[:-1], "2026-06-20"))
        with self.assertLogs(RATE_LOGGER, "WARNING") as logs:
            self.assertFalse(self.rates._cron_fetch_ecb_rate())
        self.assertIn("no new value for the half-year from 2026-07-01", "\n".join(logs.output))
        self.assertEqual(self._ecb_table(), before)

    def test_malformed_answer_leaves_the_table(self):
        before = self._ecb_table()
        for body in (
            "<html>maintenance</html>",
            json.dumps({"header": {"prepared": "2026-12-01"}, "dataSets": []}),
            json.dumps(sdmx_json([("2026-06-17", "n/a")], self.today)),
        ):
            self.server.body = body
            with self.assertLogs(RATE_LOGGER, "ERROR") as logs:
                self.assertFalse(self.rates._cron_fetch_ecb_rate())
            self.assertIn("malformed SDMX-JSON answer", "\n".join(logs.output))
            self.assertEqual(self._ecb_table(), before)

    def test_timeout_leaves_the_table(self):
        before = self._ecb_table()
        self.server.body = json.dumps(sdmx_json(self.CHANGES, self.today))
        self.server.delay = 1.5
        with self.assertLogs(RATE_LOGGER, "ERROR") as logs:
            self.assertFalse(self.rates._cron_fetch_ecb_rate())
        self.assertIn("ECB main refinancing rate not fetched", "\n".join(logs.output))
        self.assertIn("timed out", "\n".join(logs.output).lower())
        self.assertEqual(self._ecb_table(), before)
