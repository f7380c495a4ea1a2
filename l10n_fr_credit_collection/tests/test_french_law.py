"""What French law requires of what is sent, on hand cases: consumers and professionals (policies, wording,
the L441-10 indemnity), limitation periods."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.credit_collection.tests.test_collection_law import LawCommon as EngineLawCommon


def days(n):
    return timedelta(days=n)


class FrenchCommon(EngineLawCommon):
    """The test company is French (its country, and the French defaults the add-on gives it); the consumer
    policy is the shipped France B2C."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.change_company_country(cls.company, cls.env.ref("base.fr"))
        cls.company._collection_set_french_defaults()

    @classmethod
    def _consumer_policy(cls):
        shipped = cls.env.ref("l10n_fr_credit_collection.policy_france_b2c").sudo()  # main company's
        return shipped.copy({"company_id": cls.company.id}).sudo(False)


LawCommon = FrenchCommon


@tagged("post_install", "-at_install")
class TestConsumerLaw(LawCommon):
    def test_consumer_is_a_person_without_vat_nor_siren(self):
        sole_trader = self.env["res.partner"].create({"name": "Paul Artisan", "company_registry": "732829320"})
        company = self.env["res.partner"].create({"name": "Durand SARL", "is_company": True})
        self.assertEqual(self.consumer.collection_customer_type, "consumer")
        self.assertEqual(sole_trader.collection_customer_type, "professional")
        self.assertEqual(company.collection_customer_type, "professional")
        contact = self.env["res.partner"].create({"name": "Anne Durand", "parent_id": company.id})
        self.assertFalse(contact._collection_is_consumer(), "a company's contact is not a consumer")
        self.assertEqual(contact.collection_customer_type, "professional", "shown as its company's type")
        address = self.env["res.partner"].create(
            {"name": "Camille Leroy (livraison)", "parent_id": self.consumer.id, "type": "delivery"}
        )
        self.assertEqual(address.collection_customer_type, "consumer")
        self.consumer.collection_customer_type = "professional"
        self.assertFalse(self.consumer._collection_is_consumer(), "the type can be set by hand")

    def test_consumer_gets_the_consumer_policy(self):
        invoice = self._invoice(102.0, self.today - days(20), partner=self.consumer)
        professional_invoice = self._invoice(102.0, self.today - days(20))
        run = self._run(self.today)
        self.assertEqual(self._actions(invoice).level_id.policy_id, self.consumer_policy)
        self.assertEqual(self._actions(invoice).policy_id, self.consumer_policy, "stored on the action too")
        self.assertEqual(self._actions(professional_invoice).level_id.policy_id, self.policy)
        # A professional policy chosen for a consumer (by hand or by a segment) gives way to the consumer one.
        self.consumer.with_company(self.company).collection_policy_id = self.policy
        later = self._invoice(80.0, self.today - days(6), partner=self.consumer)
        self._run(self.today)
        self.assertEqual(self._actions(later).level_id.policy_id, self.consumer_policy)
        self.assertTrue(run.action_ids)

    def test_consumer_formal_notice_is_lawful(self):
        """No EUR 40, no L441-10, consumer wording, interest from the notice at the legal rate."""
        invoice = self._invoice(102.0, self.today - days(41), partner=self.consumer)
        run = self._run_and_send(self.today)
        notices = run.action_ids.filtered(lambda a: a.level_id.is_formal_notice)
        self.assertEqual(sorted(notices.mapped("channel")), ["email", "letter"])
        self.assertEqual(set(notices.mapped("state")), {"sent"})
        for notice in notices:
            self.assertEqual(notice.level_id, self.consumer_levels[30])
            self.assertTrue(self.company.currency_id.is_zero(notice.fee_amount), "no recovery indemnity")
            self.assertTrue(
                self.company.currency_id.is_zero(notice.interest_amount),
                "the consumer's interest starts with the notice itself",
            )
            self.assertEqual(self.company.currency_id.compare_amounts(notice.amount_total, 102.0), 0)
        email = notices.filtered(lambda a: a.channel == "email")
        self.assertIn("article 1344 of the French Civil Code", email.body)
        self.assertIn("article 1231-6", email.body)
        self.assertNotIn("L441-10", email.body)
        self.assertNotIn("40 €", email.body)
        letter = self._letter_html(notices.filtered(lambda a: a.channel == "letter"))
        self.assertIn("formal notice within the meaning of article 1344", letter)
        self.assertIn("legal interest rate", letter)
        # The legal rate (other cases: the creditor is a company) of today's half-year, set in CollectionCommon.
        self.assertIn(">2.62</span> % a year for the current half-year)", letter, "the legal rate the notice starts")
        self.assertNotIn("L441-10", letter)
        self.assertNotIn("at your expense", letter)
        # 20 days after the notice (and past its deadline), the call: interest since the notice only.
        escalation = self._run_and_send(self.today + days(20)).action_ids
        self.assertEqual(escalation.level_id, self.consumer_levels[60])
        self.assertEqual(escalation.line_ids.move_id, invoice)
        # 102 x 2.62 % x 20 / 365 = 0.146 -> 0.15 (same rate in the next half-year: one rounding, any split)
        expected = 0.15
        self.assertEqual(self.company.currency_id.compare_amounts(escalation.interest_amount, expected), 0)
        self.assertTrue(self.company.currency_id.is_zero(escalation.fee_amount))

    def test_consumer_formal_notice_in_french(self):
        self.consumer.lang = "fr_FR"
        self._invoice(102.0, self.today - days(41), partner=self.consumer)
        notices = self._run_and_send(self.today).action_ids
        email = notices.filtered(lambda a: a.channel == "email")
        self.assertIn("article 1344 du Code civil", email.body)
        self.assertIn("intérêt légal", email.body)
        self.assertNotIn("L441-10", email.body)
        letter = self._letter_html(notices.filtered(lambda a: a.channel == "letter"))
        self.assertIn("article 1344 du Code civil", letter)
        self.assertIn("article 1231-6 du Code civil", letter)
        self.assertNotIn("L441-10", letter)

    def test_consumer_without_consumer_policy_is_charged_nothing(self):
        self.company.collection_policy_consumer_id = False
        self._invoice(102.0, self.today - days(41), partner=self.consumer)
        notices = self._run_and_send(self.today).action_ids.filtered(lambda a: a.level_id == self.level_formal)
        self.assertEqual(notices.level_id.policy_id, self.policy, "the default policy, for want of a consumer one")
        for notice in notices:
            self.assertTrue(self.company.currency_id.is_zero(notice.fee_amount))
            self.assertTrue(self.company.currency_id.is_zero(notice.interest_amount))
        email = notices.filtered(lambda a: a.channel == "email")
        self.assertIn("article 1344 of the French Civil Code", email.body)
        self.assertNotIn("L441-10", email.body)

    def test_consumer_policy_refuses_professional_charges(self):
        level = self.consumer_levels[30]
        with self.assertRaises(ValidationError):
            level.recovery_fee = 40.0
        with self.assertRaises(ValidationError):
            level.interest_start = "due_date"
        with self.assertRaises(ValidationError):
            self.policy.customer_type = "consumer"  # its formal notice charges EUR 40 from the due date


@tagged("post_install", "-at_install")
class TestProfessionalFormalNotice(LawCommon):
    def test_b2b_formal_notice_l441_10_and_fee_once_per_invoice(self):
        invoice = self._invoice(102.0, self.today - days(41))
        self.level_formal.auto_send = True
        notices = self._run_and_send(self.today).action_ids
        self.assertEqual(notices.level_id, self.level_formal)
        currency = self.company.currency_id
        interest = currency.round(102.0 * 12.0 / 100 * 41 / 365)
        for notice in notices:
            self.assertEqual(currency.compare_amounts(notice.fee_amount, 40.0), 0, "EUR 40 per invoice")
            self.assertEqual(currency.compare_amounts(notice.interest_amount, interest), 0, "from the due date")
            self.assertEqual(currency.compare_amounts(notice.amount_total, 102.0 + 40.0 + interest), 0)
        email = notices.filtered(lambda a: a.channel == "email")
        self.assertIn("article L441-10 of the French Commercial Code", email.body)
        self.assertIn("40 €", email.body)
        self.assertIn("within 8 days", email.body)
        letter = self._letter_html(notices.filtered(lambda a: a.channel == "letter"))
        self.assertIn("L441-10", letter)
        self.assertIn("within 8 days of receipt", letter)
        # A later level with a fee does not charge the invoice again.
        self.level_escalation.write(
            {
                "recovery_fee": 40.0,
                "channel_email": True,
                "channel_phone": False,
                "email_template_id": self.level_formal.email_template_id.id,
            }
        )
        escalation = self._run_and_send(self.today + days(50)).action_ids
        self.assertEqual(escalation.level_id, self.level_escalation)
        self.assertEqual(escalation.line_ids.move_id, invoice)
        self.assertTrue(currency.is_zero(escalation.fee_amount), "EUR 40 once per invoice")


@tagged("post_install", "-at_install")
class TestLimitationByCustomerType(LawCommon):
    def test_two_years_for_consumers_five_between_merchants(self):
        self.company.collection_limitation_warning_days = 90
        sole_trader = self.env["res.partner"].create({"name": "Paul Artisan", "company_registry": "732829320"})
        due = self.today - relativedelta(years=2) + days(30)
        self._invoice(100.0, due, partner=self.consumer)
        self._invoice(100.0, due, partner=sole_trader)
        self.env["credit.collection.alert"]._send_alerts(self.company, self.today)
        Case = self.env["credit.collection.case"]
        alert_type = self.env.ref("credit_collection.mail_activity_type_collection_alert")
        consumer_alerts = Case._get_or_open(self.consumer, self.company).activity_ids.filtered(
            lambda a: a.activity_type_id == alert_type
        )
        self.assertEqual(consumer_alerts.mapped("date_deadline"), [due + relativedelta(years=2)])
        trader_alerts = Case._get_or_open(sole_trader, self.company).activity_ids.filtered(
            lambda a: a.activity_type_id == alert_type
        )
        self.assertFalse(trader_alerts, "a sole trader with a SIREN is a merchant: 5 years")
