from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon


def days(count):
    return timedelta(days=count)


class WorklistLedger(CollectionCommon):
    """A hand ledger whose order is known, with the default weights (promise due +1, broken promise +1.5,
    missed instalment +1, dispute past its deadline +0.5; on hold x0.1, just contacted x0.3):

    ====================  ========  ===========  ==============================  ========
    customer              overdue   probability  why                             priority
    ====================  ========  ===========  ==============================  ========
    E Litige Échu         2000      0.5          dispute past deadline x1.5      1500
    A Simple              1000      0.8          -                               800
    C Promesse Rompue     500       0.6          broken promise x2.5             750
    D Échéance Manquée    700       0.5          missed instalment x2            700
    B Promesse du Jour    600       0.5          promise due today x2            600
    H Sans Profil         1000      (0.5)        no payer profile: the default   500
    F Bloqué              5000      0.9          dunning blocked x0.1            450
    G Déjà Appelé         2500      0.5          called yesterday x0.3           375
    I Autre Collecteur    10000     1.0          another collector's customer    10000
    ====================  ========  ===========  ==============================  ========
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = cls._collection_user("worklist_collector")
        cls.other_collector = cls._collection_user("worklist_other")
        cls.manager = cls._collection_user("worklist_manager", "credit_collection.group_collection_manager")
        cls.customers = {}
        today = cls.today
        for key, name, amount, probability in (
            ("A", "A Simple", 1000.0, 0.8),
            ("B", "B Promesse du Jour", 600.0, 0.5),
            ("C", "C Promesse Rompue", 500.0, 0.6),
            ("D", "D Échéance Manquée", 700.0, 0.5),
            ("E", "E Litige Échu", 2000.0, 0.5),
            ("F", "F Bloqué", 5000.0, 0.9),
            ("G", "G Déjà Appelé", 2500.0, 0.5),
            ("H", "H Sans Profil", 1000.0, None),
            ("I", "I Autre Collecteur", 10000.0, 1.0),
        ):
            partner = cls.env["res.partner"].create({"name": name, "is_company": True, "phone": "+33 4 00 00 00 00"})
            partner.with_company(cls.company).collection_user_id = cls.other_collector if key == "I" else cls.collector
            cls._invoice(amount, today - days(20), partner=partner)
            if probability is not None:  # what the scoring's nightly job stores
                cls.env["credit.collection.payer.profile"].create(
                    {"partner_id": partner.id, "company_id": cls.company.id, "late_probability": probability}
                )
            cls.customers[key] = partner
        # A customer with nothing overdue yet has no line.
        cls.not_due = cls.env["res.partner"].create({"name": "Pas Encore Dû", "is_company": True})
        cls.not_due.with_company(cls.company).collection_user_id = cls.collector
        cls._invoice(800.0, today + days(10), partner=cls.not_due)
        Promise = cls.env["credit.collection.promise"]
        Promise.create({"partner_id": cls.customers["B"].id, "amount": 600.0, "promise_date": today})
        broken = Promise.create({"partner_id": cls.customers["C"].id, "amount": 500.0, "promise_date": today - days(3)})
        broken._evaluate()
        plan = cls.env["credit.collection.payment.plan"].create(
            {
                "partner_id": cls.customers["D"].id,
                "instalment_count": 2,
                "first_date": today - days(10),
                "grace_days": 0,
            }
        )
        plan.action_compute()
        plan.action_confirm()
        plan._evaluate()
        cls.plan = plan
        invoice_e = cls.env["account.move"].search([("partner_id", "=", cls.customers["E"].id)])
        cls.env["credit.collection.dispute"].create(
            {"partner_id": cls.customers["E"].id, "move_ids": [(6, 0, invoice_e.ids)], "deadline": today - days(2)}
        )
        cls.customers["F"]._collection_set_blocked("Litige commercial en cours")
        cls.env["credit.collection.call"].create(
            {
                "partner_id": cls.customers["G"].id,
                "company_id": cls.company.id,
                "user_id": cls.collector.id,
                "outcome": "reached",
                "date": fields.Datetime.now() - days(1),
            }
        )

    def _worklist(self, user):
        return (
            self.env["credit.collection.worklist"]
            .with_user(user)
            .search([("partner_id", "in", [p.id for p in (*self.customers.values(), self.not_due)])])
        )

    def _order(self, user):
        by_partner = {partner: key for key, partner in self.customers.items()}
        return [by_partner[line.partner_id] for line in self._worklist(user)]

    def _line(self, key, user=None):
        return self._worklist(user or self.collector).filtered(lambda line: line.partner_id == self.customers[key])


@tagged("post_install", "-at_install")
class TestWorklistRanking(WorklistLedger):
    """The order of the collector's and the manager's lists, and what moves it."""

    def test_collector_order_and_reasons(self):
        self.assertEqual(self.plan.state, "broken")  # the engine's own evaluation missed the instalment
        self.assertEqual(self._order(self.collector), ["E", "A", "C", "D", "B", "H", "F", "G"])
        expected = {"E": 1500, "A": 800, "C": 750, "D": 700, "B": 600, "H": 500, "F": 450, "G": 375}
        currency = self.company.currency_id
        for line in self._worklist(self.collector):
            key = next(key for key, partner in self.customers.items() if partner == line.partner_id)
            self.assertEqual(currency.compare_amounts(line.priority, expected[key]), 0, key)
            self.assertEqual(line.user_id, self.collector)
        reasons = {key: self._line(key).reasons for key in "ABCDEFGH"}
        self.assertEqual(reasons["A"], "")
        self.assertEqual(reasons["B"], "Promise due")
        self.assertEqual(reasons["C"], "Broken promise")
        self.assertEqual(reasons["D"], "Missed instalment")
        self.assertEqual(reasons["E"], "Dispute past deadline")
        self.assertEqual(reasons["F"], "Dunning blocked")
        self.assertIn("contacted on", reasons["G"])
        self.assertFalse(self._line("H").scored)
        self.assertAlmostEqual(self._line("H").late_probability, 0.5)

    def test_manager_sees_everyone(self):
        self.assertEqual(self._order(self.manager), ["I", "E", "A", "C", "D", "B", "H", "F", "G"])
        self.assertEqual(self._order(self.other_collector), ["I"])

    def test_weights_are_the_company_settings(self):
        settings = self.env["res.config.settings"].create({})  # the settings are an administrator's
        settings.collection_worklist_broken_promise_weight = 0.0
        settings.collection_worklist_hold_factor = 1.0
        settings.execute()
        self.assertEqual(self.company.collection_worklist_broken_promise_weight, 0.0)
        # C: 300 without its raise; F: 4500 once a hold no longer lowers it.
        self.assertEqual(self._order(self.collector), ["F", "E", "A", "D", "B", "H", "G", "C"])

    def test_in_french(self):
        if not self.env["res.lang"]._lang_get("fr_FR").active:
            self.env["res.lang"]._activate_lang("fr_FR")
        self.assertEqual(self._line("B").with_context(lang="fr_FR").reasons, "Promesse à échéance")
        self.assertEqual(self._line("C").with_context(lang="fr_FR").reasons, "Promesse non tenue")

    def test_collector_cannot_act_on_another_collectors_customer(self):
        line_i = self._line("I", self.manager)
        with self.assertRaises(AccessError):
            line_i.with_user(self.collector).action_call_reached()
        self.assertFalse(self.env["credit.collection.call"].search([("partner_id", "=", self.customers["I"].id)]))


@tagged("post_install", "-at_install")
class TestWorklistOutcomes(WorklistLedger):
    """The one-click outcomes clicked by the collector, their next steps and their KPIs."""

    def _calls(self, key):
        return self.env["credit.collection.call"].search([("partner_id", "=", self.customers[key].id)])

    def _activities(self, key):
        case = self._calls(key)[:1].case_id
        return case.activity_ids.sorted("id")

    def test_outcomes_schedule_the_next_step_and_lower_the_rank(self):
        today = self.today
        self._line("A").action_call_no_answer()
        call = self._calls("A")
        self.assertEqual((call.outcome, call.user_id), ("no_answer", self.collector))
        activity = self._activities("A")[-1]
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.date_deadline, today + days(2))
        self.assertEqual(activity.user_id, self.collector)
        self.assertIn("No answer", call.case_id.message_ids[0].body)
        self.assertIn("No answer", self.customers["A"].message_ids[0].body)
        # A just called: 800 x 0.3 = 240, after H (500) and F (450).
        self.assertEqual(self._order(self.collector), ["E", "C", "D", "B", "H", "F", "G", "A"])

        self._line("D").action_call_wrong_number()
        activity = self._activities("D")[-1]
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual(activity.summary, "Find the right phone number")
        self.assertEqual(activity.date_deadline, today + days(1))

        self._line("C").action_call_reached()
        self.assertEqual(self._activities("C")[-1].date_deadline, today + days(7))

    def test_promised_opens_the_engines_promise_form(self):
        action = self._line("H").action_call_promised()
        self.assertEqual(action["res_model"], "credit.collection.promise")
        Promise = self.env["credit.collection.promise"].with_user(self.collector).with_context(**action["context"])
        with Form(Promise) as form:
            self.assertEqual(form.partner_id, self.customers["H"])
            form.promise_date = self.today + days(5)
        promise = form.record
        call = self._calls("H")
        self.assertEqual(call.outcome, "promised")
        self.assertEqual(call.promise_id, promise)
        self.assertEqual(promise.amount, 1000.0)
        check = call.case_id.activity_ids.filtered(lambda activity: activity.summary == "Check the payment promise")
        self.assertEqual(check.date_deadline, self.today + days(5))
        # The promise pending holds the customer, the call lowers it: 500 x 0.1 x 0.3.
        self.assertEqual(self.env.company.currency_id.compare_amounts(self._line("H").priority, 15.0), 0)

    def test_promised_form_rejects_a_bad_amount(self):
        action = self._line("A").action_call_promised()
        Promise = self.env["credit.collection.promise"].with_user(self.collector).with_context(**action["context"])
        form = Form(Promise)
        form.promise_date = self.today
        form.amount = -5.0
        with self.assertRaises(ValidationError):  # the engine's own check
            form.save()

    def test_disputed_opens_the_engines_dispute_form(self):
        action = self._line("A").action_call_disputed()
        self.assertEqual(action["res_model"], "credit.collection.dispute")
        Dispute = self.env["credit.collection.dispute"].with_user(self.collector).with_context(**action["context"])
        with Form(Dispute) as form:
            form.reason = "quality"
        dispute = form.record
        self.assertEqual(dispute.move_ids.partner_id, self.customers["A"])
        self.assertEqual(self._calls("A").dispute_id, dispute)
        self.assertTrue(self._line("A").dispute_open)

    def test_a_call_of_someone_else_is_not_linked(self):
        action = self._line("H").action_call_promised()
        call = self._calls("H")
        Promise = self.env["credit.collection.promise"].with_user(self.manager).with_context(**action["context"])
        Promise.create({"partner_id": self.customers["H"].id, "amount": 100.0, "promise_date": self.today})
        self.assertFalse(call.promise_id)

    def test_outcomes_feed_the_kpis(self):
        today = self.today
        worklist = {key: self._line(key) for key in "ABCDH"}
        worklist["A"].action_call_no_answer()
        worklist["D"].action_call_wrong_number()
        worklist["C"].action_call_reached()
        for key, promise_date in (("B", today), ("H", today - days(1))):
            action = worklist[key].action_call_promised()
            Promise = self.env["credit.collection.promise"].with_user(self.collector)
            with Form(Promise.with_context(**action["context"])) as form:
                form.promise_date = promise_date
        # B pays its promise today, H does not: one kept, one broken.
        invoice_b = self.env["account.move"].search([("partner_id", "=", self.customers["B"].id)])
        self._pay(invoice_b)
        promises = self._calls("B").promise_id | self._calls("H").promise_id
        promises._evaluate()
        self.assertEqual(sorted(promises.mapped("state")), ["broken", "kept"])
        Kpi = self.env["credit.collection.kpi"]
        names = [registration["name"] for registration in Kpi._kpi_registrations()]
        self.assertIn("call_contact_rate", names)
        period = {"company": self.company.id, "from": today - days(29), "to": today, "tz": "UTC"}
        # G's call of yesterday (reached) and the five above: 6 calls, 4 reached, 2 promised.
        self.assertAlmostEqual(Kpi._kpi_call_contact_rate(self.company, period, {}), 4 / 6 * 100.0)
        self.assertAlmostEqual(Kpi._kpi_call_promise_rate(self.company, period, {}), 2 / 4 * 100.0)
        self.assertAlmostEqual(Kpi._kpi_call_promises_kept_rate(self.company, period, {}), 50.0)
        before = {"company": self.company.id, "from": today - days(60), "to": today - days(30), "tz": "UTC"}
        self.assertIsNone(Kpi._kpi_call_contact_rate(self.company, before, {}))
        if "credit.collection.kpi.snapshot" in self.env:  # the KPI add-on computes them with its set
            kpi = Kpi._compute(self.company, today - days(29), today)
            self.assertAlmostEqual(kpi["call_promise_rate"], 50.0)


@tagged("post_install", "-at_install")
class TestWorklistInTheBrowser(WorklistLedger, HttpCase):
    def test_collector_works_the_list_in_french(self):
        if not self.env["res.lang"]._lang_get("fr_FR").active:
            self.env["res.lang"]._activate_lang("fr_FR")
        self.collector.lang = "fr_FR"
        self.start_tour(
            "/odoo/action-credit_collection_worklist.action_collection_worklist",
            "credit_collection_worklist_calls",
            login=self.collector.login,
        )
        calls = self.env["credit.collection.call"].search(
            [("partner_id", "in", (self.customers["A"] | self.customers["H"]).ids)]
        )
        self.assertEqual(sorted(calls.mapped("outcome")), ["no_answer", "promised"])
        self.assertEqual(calls.user_id, self.collector)
