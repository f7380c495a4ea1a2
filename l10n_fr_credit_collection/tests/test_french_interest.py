"""Late interest as French law computes it, on hand cases with the published rates: ECB + 10 points
between professionals (L441-10 C. com.), the floor of three times the legal interest rate, the legal
interest rate from the formal notice for consumers (1231-6 C. civ.), half-year by half-year."""

from datetime import date

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_french_law import FrenchCommon


@tagged("post_install", "-at_install")
class TestFrenchLateInterest(FrenchCommon):
    """Hand cases: 10,000 EUR due 2023-05-15, claimed 2024-02-10, Actual/365, published rates."""

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

    def test_shipped_rates_are_the_published_ones(self):
        rates = self.env["credit.collection.legal.rate"]
        self.assertEqual(
            rates._rates_by_half_year("ecb_mro", date(2023, 1, 1), date(2023, 12, 31)),
            {date(2023, 1, 1): 2.5, date(2023, 7, 1): 4.0},
        )
        self.assertEqual(
            rates._rates_by_half_year("legal_other", date(2024, 1, 1), date(2024, 12, 31)),
            {date(2024, 1, 1): 5.07, date(2024, 7, 1): 4.92},
        )
        self.assertEqual(
            rates._rates_by_half_year("legal_individual", date(2015, 1, 1), date(2015, 6, 30)), {date(2015, 1, 1): 4.06}
        )
        shipped = self.env.ref("l10n_fr_credit_collection.level_france_b2b_formal_notice").sudo()  # main company's
        self.assertEqual(shipped.interest_mode, "legal_b2b")
        self.assertEqual(
            self.env.ref("l10n_fr_credit_collection.level_france_b2c_formal_notice").sudo().interest_mode,
            "legal_consumer",
        )

    def test_b2b_half_year_by_half_year(self):
        # 2023-05-16..06-30: 46 days at 2.50 + 10 = 12.50 %: 10000 x 12.50 % x 46/365 = 157.534 -> 157.53
        # 2023-07-01..12-31: 184 days at 4.00 + 10 = 14.00 %: 10000 x 14.00 % x 184/365 = 705.753 -> 705.75
        # 2024-01-01..02-10: 41 days at 4.50 + 10 = 14.50 %: 10000 x 14.50 % x 41/365 = 162.877 -> 162.88
        # total 1026.164 -> 1026.16
        level = self.level_formal
        self.assertEqual(
            self._periods(level, 10000.0, date(2023, 5, 15), date(2024, 2, 10)),
            [
                ("2023-05-16", "2023-06-30", 46, 12.5, 157.53),
                ("2023-07-01", "2023-12-31", 184, 14.0, 705.75),
                ("2024-01-01", "2024-02-10", 41, 14.5, 162.88),
            ],
        )
        self._assert_amount(level._interest_between(10000.0, date(2023, 5, 15), date(2024, 2, 10)), 1026.16)

    def test_b2b_2025_2026_and_actual_360(self):
        # 5000 due 2025-11-20, claimed 2026-03-10: 2025 S2 (2.15 + 10) 41 days, 2026 S1 (2.15 + 10) 69 days:
        # 5000 x 12.15 % x 110/365 = 183.082 -> 183.08 (periods 68.24 + 114.84)
        level = self.level_formal
        self._set_legal_rate("ecb_mro", 2026, 1, 2.15)  # as shipped
        self.assertEqual(
            self._periods(level, 5000.0, date(2025, 11, 20), date(2026, 3, 10)),
            [("2025-11-21", "2025-12-31", 41, 12.15, 68.24), ("2026-01-01", "2026-03-10", 69, 12.15, 114.84)],
        )
        self._assert_amount(level._interest_between(5000.0, date(2025, 11, 20), date(2026, 3, 10)), 183.08)
        # Actual/360: 5000 x 12.15 % x 110/360 = 185.625 -> 185.63 (half up)
        level.interest_day_count = "360"
        self._assert_amount(level._interest_between(5000.0, date(2025, 11, 20), date(2026, 3, 10)), 185.63)

    def test_consumer_legal_rate_from_the_notice(self):
        # Notice sent 2023-11-20, claimed 2024-02-10; the creditor is a company: "other cases".
        # 2023-11-21..12-31: 41 days at 4.22 %: 10000 x 4.22 % x 41/365 = 47.403 -> 47.40
        # 2024-01-01..02-10: 41 days at 5.07 %: 10000 x 5.07 % x 41/365 = 56.951 -> 56.95; total 104.353 -> 104.35
        level = self.level_formal
        level.interest_mode = "legal_consumer"
        level.interest_start = "formal_notice"
        self.assertIsNone(level._interest_start_date(date(2023, 5, 15), None), "no notice, no interest")
        start = level._interest_start_date(date(2023, 5, 15), date(2023, 11, 20))
        self.assertEqual(
            self._periods(level, 10000.0, start, date(2024, 2, 10)),
            [("2023-11-21", "2023-12-31", 41, 4.22, 47.40), ("2024-01-01", "2024-02-10", 41, 5.07, 56.95)],
        )
        self._assert_amount(level._interest_between(10000.0, start, date(2024, 2, 10)), 104.35)
        # A creditor who is an individual (not for its trade): 6.82 % then 8.01 %:
        # 10000 x 6.82 % x 41/365 = 76.608; 10000 x 8.01 % x 41/365 = 89.975; total 166.583 -> 166.58
        self.company.partner_id.write(
            {"is_company": False, "vat": False, "company_registry": False, "collection_customer_type": "consumer"}
        )
        self.assertEqual(level._legal_rate_kind(), "legal_individual")
        self._assert_amount(level._interest_between(10000.0, start, date(2024, 2, 10)), 166.58)

    def test_contract_rate_floor(self):
        # Contract 12 %: 2023 S1 floor 3 x 2.06 = 6.18 (12 applies), 2023 S2 floor 3 x 4.22 = 12.66,
        # 2024 S1 floor 3 x 5.07 = 15.21:
        # 10000 x (12 % x 46 + 12.66 % x 184 + 15.21 % x 41) / 365 = (55200 + 232944 + 62361) / 365
        # = 350505 / 365 = 960.288 -> 960.29
        level = self.level_formal
        level.write({"interest_mode": "contract", "interest_rate": 12.0})
        self.assertEqual(
            [p[3] for p in self._periods(level, 10000.0, date(2023, 5, 15), date(2024, 2, 10))], [12.0, 12.66, 15.21]
        )
        self._assert_amount(level._interest_between(10000.0, date(2023, 5, 15), date(2024, 2, 10)), 960.29)
        # Today's legal rate is 2.62 % (the test's): a contract rate below 7.86 % is refused.
        with self.assertRaises(ValidationError):
            level.interest_rate = 7.5
        with self.assertRaises(ValidationError):
            level.interest_rate = 0.0
        level.interest_rate = 7.86
        self.assertEqual(level.interest_rate, 7.86)

    def test_consumer_policy_refuses_the_b2b_rate(self):
        consumer_level = self.env.ref("l10n_fr_credit_collection.level_france_b2c_formal_notice")
        with self.assertRaises(ValidationError):
            consumer_level.sudo().interest_mode = "legal_b2b"

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
        # 1000 x (2.15 + 10) % x 29 days (2026-06-02..06-30) / 365 = 9.653
        #  + 1000 x (1.90 + 10) % x 41 days (2026-07-01..08-10) / 365 = 13.367; total 23.021 -> 23.02
        manager = self._collection_user("rate_manager", "credit_collection.group_collection_manager")
        self.env["credit.collection.legal.rate"].with_user(manager).create(
            {"kind": "ecb_mro", "year": 2026, "half": "2", "rate": 1.90}
        )
        self._run(date(2026, 8, 10))
        notice = self._actions(invoice).filtered(lambda a: a.level_id == self.level_formal)
        self.assertTrue(notice)
        for action in notice:
            self._assert_amount(action.interest_amount, 23.02)
        line = notice[:1].line_ids
        self.assertEqual(
            [(p["date_from"], p["rate"]) for p in line.interest_periods], [("2026-06-02", 12.15), ("2026-07-01", 11.9)]
        )

    def test_letter_and_invoice_show_rates_periods_and_law(self):
        self.level_formal.write({"auto_send": True, "invoice_fees": True})
        self.level_escalation.active = False  # 271 days late: the formal notice is the level reached
        invoice = self._invoice(10000.0, date(2023, 5, 15))
        run = self._run(date(2024, 2, 10))
        letter_action = run.action_ids.filtered(lambda a: a.channel == "letter" and a.level_id == self.level_formal)
        self._assert_amount(letter_action.interest_amount, 1026.16)
        report = self.env.ref("credit_collection.action_report_collection_letter")
        html = report._render_qweb_html(report.report_name, letter_action.ids)[0].decode()
        self.assertIn("plus 10 points (article L441-10", html)
        for shown in ("05/16/2023", "06/30/2023", "12.50", "14.00", "14.50", "157.53", "705.75", "162.88"):
            self.assertIn(shown, html)
        self.customer.lang = "fr_FR"
        html = report._render_qweb_html(report.report_name, letter_action.ids)[0].decode()
        self.assertIn("majoré de 10 points (article L441-10 du Code de commerce)", html)
        for shown in ("16/05/2023", "12,50", "157,53"):
            self.assertIn(shown, html)
        self.customer.lang = "en_US"
        letter_action.line_ids.state = "done"
        letter_action._invoice_fees()
        interest_line = letter_action.fee_invoice_id.invoice_line_ids.filtered(lambda line: "interest" in line.name)
        self.assertIn("(art. L441-10 C. com.)", interest_line.name)
        self.assertIn(invoice.name, interest_line.name)
        self.assertIn("07/01/2023 to 12/31/2023, 184 days at 14.00 %", interest_line.name)
        self._assert_amount(interest_line.price_unit, 1026.16)
