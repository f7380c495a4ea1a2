import random
from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon
from odoo.addons.credit_collection_scoring.models.credit_collection_payer_profile import (
    capped_score,
    grade_ceiling,
    grade_of,
    payer_score,
)
from odoo.addons.credit_collection_scoring.tools import logistic


@tagged("post_install", "-at_install")
class TestPayerProfile(CollectionCommon):
    """One customer's history computed by hand (invoice dates are due dates minus 30 days):

    - A: due today-100, paid today-90 -> 10 days late
    - B: due today-80, paid today-85 -> early, 0 days late
    - C: 300 due today-40, open -> 40 days late so far
    - D: 700 due today+20, open -> not due, not assessed
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.today
        cls.inv_a = cls._invoice(100.0, today - timedelta(days=100))
        cls.inv_b = cls._invoice(200.0, today - timedelta(days=80))
        cls.inv_c = cls._invoice(300.0, today - timedelta(days=40))
        cls.inv_d = cls._invoice(700.0, today + timedelta(days=20))
        cls.good_payer = cls.env["res.partner"].create({"name": "Bon Payeur SA", "is_company": True})
        cls.inv_good = cls._invoice(500.0, today - timedelta(days=60), partner=cls.good_payer)

    def _history(self):
        self._pay(self.inv_a, date=self.today - timedelta(days=90))
        self._pay(self.inv_b, date=self.today - timedelta(days=85))
        self._pay(self.inv_good, date=self.today - timedelta(days=62))
        self.env["credit.collection.dispute"].create(
            {"partner_id": self.customer.id, "move_ids": [(6, 0, self.inv_c.ids)], "reason": "quality"}
        )
        promise = self.env["credit.collection.promise"].create(
            {"partner_id": self.customer.id, "amount": 300.0, "promise_date": self.today - timedelta(days=10)}
        )
        promise.state = "broken"

    def test_score_inputs_on_a_hand_ledger(self):
        self._history()
        self.env["credit.collection.payer.profile"]._recompute_company(self.company, self.today)
        profile = self.env["credit.collection.payer.profile"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(profile.invoice_count, 3)
        self.assertAlmostEqual(profile.avg_days_late, 50.0 / 3, places=1)
        self.assertAlmostEqual(profile.late_share, 2.0 / 3, places=3)
        self.assertAlmostEqual(profile.open_amount, 1000.0)
        self.assertAlmostEqual(profile.overdue_amount, 300.0)
        self.assertAlmostEqual(profile.overdue_ratio, 0.3, places=3)
        # Due in the last 3 months: B (0) and C (40) -> 20; the 3 months before: A (10) -> trend +10.
        self.assertAlmostEqual(profile.trend, 10.0, places=1)
        self.assertEqual((profile.dispute_count, profile.broken_promise_count), (1, 1))
        # 100 - (30*16.67/60 + 25*2/3 + 20*0.3 + 10*10/30 + 7.5/3 + 7.5/3) = 100 - 39.33 = 60.7 (C), but two
        # invoices in three (more than 60 %) were paid late: at best D, the score brought into D's range.
        self.assertAlmostEqual(payer_score(50.0 / 3, 2.0 / 3, 0.3, 10.0, 1, 1), 60.7, places=1)
        self.assertAlmostEqual(profile.score, 49.9, places=1)
        self.assertEqual(profile.grade, "D")
        good = self.env["credit.collection.payer.profile"].search([("partner_id", "=", self.good_payer.id)])
        self.assertEqual((good.score, good.grade, good.late_share), (100.0, "A", 0.0))
        # Shown on the customer and searchable there.
        customer = self.customer.with_company(self.company)
        self.assertEqual(customer.collection_risk_grade, "D")
        found = self.env["res.partner"].search([("collection_risk_grade", "in", ["C", "D", "E"])])
        self.assertIn(self.customer, found)
        self.assertNotIn(self.good_payer, found)
        self.assertIn(self.good_payer, self.env["res.partner"].search([("collection_risk_score", ">=", 80)]))

    def test_profiles_are_per_company(self):
        self._history()
        other = self.company_data_2["company"]
        self._invoice(50.0, self.today - timedelta(days=3), company=other)
        Profile = self.env["credit.collection.payer.profile"]
        Profile._recompute_company(self.company, self.today)
        Profile._recompute_company(other, self.today)
        mine = Profile.search([("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)])
        theirs = Profile.search([("partner_id", "=", self.customer.id), ("company_id", "=", other.id)])
        self.assertEqual((mine.invoice_count, theirs.invoice_count), (3, 1))
        self.assertEqual(theirs.dispute_count, 0)
        self.assertAlmostEqual(theirs.avg_days_late, 3.0)

    def test_score_scale(self):
        self.assertEqual(payer_score(0, 0, 0, 0, 0, 0), 100.0)
        self.assertEqual(payer_score(200, 1, 1, 90, 9, 9), 0.0)  # every penalty capped
        self.assertEqual(payer_score(30, 0, 0, -20, 0, 0), 85.0)  # improving trend is no penalty
        self.assertEqual([grade_of(s) for s in (80, 79.9, 65, 50, 35, 34.9)], ["A", "B", "B", "C", "D", "E"])

    def test_training_features_only_know_the_past(self):
        self._history()
        rows = self.env["credit.collection.risk.model"]._training_rows(self.company, self.today)
        by_date = {row[0]: row for row in rows}
        # C is invoiced today-70: A (paid today-90, late) and B (paid today-85, early) are known then.
        _date, features, late = by_date[self.inv_c.invoice_date]
        self.assertEqual(late, 1)
        self.assertAlmostEqual(features[1], 0.5)  # share of the prior invoices paid late
        self.assertAlmostEqual(features[2], 5.0 / 30)  # their average days late / 30
        self.assertEqual(features[3], 0.0)  # it has a history
        # A is invoiced today-130: nothing was paid before.
        _date, features, late = by_date[self.inv_a.invoice_date]
        self.assertEqual((features[0], features[3], late), (0.0, 1.0, 1))
        # B is labelled on time; D (not due) is not labelled.
        self.assertEqual(by_date[self.inv_b.invoice_date][2], 0)
        self.assertNotIn(self.inv_d.invoice_date, by_date)


@tagged("post_install", "-at_install")
class TestPayerGrade(CollectionCommon):
    """The grade agrees with what it is made of: hand ledgers of customers paying every invoice 30 days
    after its date (their due date) or a few days later, at the boundaries of the share paid late."""

    def _payer(self, name, on_time, late, days_late=3):
        partner = self.env["res.partner"].create({"name": name, "is_company": True})
        for index in range(on_time + late):
            due = self.today - timedelta(days=200 - 10 * index)
            invoice = self._invoice(1000.0, due, partner=partner)
            self._pay(invoice, date=due + timedelta(days=days_late if index < late else 0))
        return partner

    def test_grade_follows_the_share_paid_late(self):
        ledgers = {
            # name: (on time, late) -> (share paid late, grade, score)
            "Un sur cinq": ((4, 1), 0.2, "A", 94.7),  # 20 %: can be excellent
            "Un sur quatre": ((3, 1), 0.25, "B", 79.9),  # more than 20 %: good at best
            "Deux sur cinq": ((3, 2), 0.4, "B", 79.9),  # 40 %: still good at best
            "Un sur deux": ((1, 1), 0.5, "C", 64.9),  # more than 40 %: average at best
            "Trois sur cinq": ((2, 3), 0.6, "C", 64.9),
            "Deux sur trois": ((1, 2), 2 / 3, "D", 49.9),  # more than 60 %: poor at best
            # The payer of the issue: every invoice a few days late scored 73.5, "B - good".
            "Toujours en retard": ((0, 5), 1.0, "D", 49.9),
        }
        partners = {name: self._payer(name, *counts) for name, (counts, *_expected) in ledgers.items()}
        self.env["credit.collection.payer.profile"]._recompute_company(self.company, self.today)
        for name, (_counts, share, grade, score) in ledgers.items():
            profile = self.env["credit.collection.payer.profile"].search([("partner_id", "=", partners[name].id)])
            self.assertAlmostEqual(profile.late_share, share, places=3, msg=name)
            self.assertEqual(profile.grade, grade, name)
            self.assertAlmostEqual(profile.score, score, places=1, msg=name)
            self.assertEqual(grade_of(profile.score), profile.grade, name)  # the score tells the same
        self.assertAlmostEqual(payer_score(3.0, 1.0, 0.0, 0.0, 0, 0), 73.5)  # what the score alone gave

    def test_grade_follows_the_late_probability(self):
        # (share paid late, late probability) -> best grade allowed
        cases = {
            (0.0, None): "A",
            (0.0, 0.5): "A",
            (0.0, 0.501): "C",
            (0.0, 0.75): "C",
            (0.0, 0.751): "D",
            (1.0, 0.859): "D",
            (0.2, 0.6): "C",
            (0.61, 0.2): "D",
            (0.21, None): "B",
        }
        for (share, probability), ceiling in cases.items():
            self.assertEqual(grade_ceiling(share, probability), ceiling, (share, probability))
        self.assertEqual(capped_score(97.0, "C"), 64.9)
        self.assertEqual(capped_score(40.0, "C"), 40.0)  # a worse score keeps its worse grade
        self.assertEqual(capped_score(97.0, "A"), 97.0)


@tagged("post_install", "-at_install")
class TestLatePrediction(CollectionCommon):
    def test_auc_by_hand(self):
        self.assertEqual(logistic.auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75)
        self.assertEqual(logistic.auc([0.5, 0.5], [0, 1]), 0.5)
        self.assertIsNone(logistic.auc([0.2, 0.3], [1, 1]))
        self.assertAlmostEqual(logistic.brier([0.8, 0.1], [1, 0]), (0.04 + 0.01) / 2)

    def _synthetic_history(self, count, seed=7):
        """Invoices whose lateness follows a known logistic rule of two of the features."""
        rng = random.Random(seed)
        rows = []
        start = self.today - timedelta(days=count)
        for index in range(count):
            prior_count = rng.randint(0, 20)
            prior_late = rng.randint(0, prior_count)
            prior_days = rng.uniform(0, 60) * (prior_late / prior_count if prior_count else 0.5)
            features = [
                logistic.math.log1p(prior_count),
                prior_late / prior_count if prior_count else 0.0,
                prior_days / 30,
                0.0 if prior_count else 1.0,
                logistic.math.log1p(rng.randint(0, 3)),
                logistic.math.log1p(rng.uniform(100, 5000)),
                rng.choice([0, 30, 45, 60]) / 30,
            ]
            z = -2.0 + 3.5 * features[1] + 1.2 * features[2]
            late = 1 if rng.random() < logistic.sigmoid(z) else 0
            rows.append((start + timedelta(days=index), features, late))
        return rows

    def test_fit_validates_on_held_out_history(self):
        Model = self.env["credit.collection.risk.model"]
        values = Model._fit_and_validate(self._synthetic_history(800))
        self.assertEqual(values["state"], "ok")
        self.assertEqual((values["train_count"], values["test_count"]), (600, 200))
        self.assertGreater(values["auc"], 0.75)
        self.assertLess(values["brier"], values["brier_baseline"])
        # The held-out part is the most recent one.
        self.assertEqual(values["split_date"], self.today - timedelta(days=200))

    def test_too_little_history_gives_no_model(self):
        values = self.env["credit.collection.risk.model"]._fit_and_validate(self._synthetic_history(30))
        self.assertEqual(values["state"], "insufficient")
        self.assertNotIn("auc", values)

    def test_company_fit_predicts_on_profiles(self):
        """A fitted model of the company gives every scored customer a probability; a customer with
        a history of late payments gets a higher one than a customer who always paid on time."""
        late_payer = self.customer
        on_time = self.env["res.partner"].create({"name": "Ponctuel SARL", "is_company": True})
        for month in range(12):
            due = self.today - timedelta(days=400 - 30 * month)
            for partner, delay in ((late_payer, 25), (on_time, -2)):
                invoice = self._invoice(100.0 + month, due, partner=partner)
                self._pay(invoice, date=due + timedelta(days=delay))
        for partner in (late_payer, on_time):
            for offset in (0, 3):
                filler = self.env["res.partner"].create({"name": "%s %s" % (partner.name, offset), "is_company": True})
                for month in range(6):
                    due = self.today - timedelta(days=300 - 30 * month + offset)
                    invoice = self._invoice(80.0, due, partner=filler)
                    self._pay(invoice, date=due + timedelta(days=20 if partner == late_payer else 0))
        model = self.env["credit.collection.risk.model"]._fit_company(self.company, self.today)
        self.assertEqual(model.state, "ok", model.note)
        self.assertGreaterEqual(model.row_count, 40)
        self.assertTrue(0.0 <= model.auc <= 1.0)
        self.env["credit.collection.payer.profile"]._recompute_company(self.company, self.today)
        late_p = late_payer.with_company(self.company).collection_late_probability
        on_time_p = on_time.with_company(self.company).collection_late_probability
        self.assertGreater(late_p, 0.5)
        self.assertLess(on_time_p, 0.5)
        # No grade better than its inputs allow: the late payer is poor at best, whatever its score.
        for profile in self.env["credit.collection.payer.profile"].search([("company_id", "=", self.company.id)]):
            ceiling = grade_ceiling(profile.late_share, profile.late_probability)
            self.assertGreaterEqual(profile.grade, ceiling, profile.partner_id.name)
        self.assertIn(late_payer.with_company(self.company).collection_risk_grade, ("D", "E"))

    def test_cron_scores_every_company(self):
        self._invoice(100.0, self.today - timedelta(days=12))
        self.env["credit.collection.payer.profile"]._cron_recompute()
        profile = self.env["credit.collection.payer.profile"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(profile.date, self.today)
        self.assertEqual(profile.avg_days_late, 12.0)
        model = self.env["credit.collection.risk.model"].search([("company_id", "=", self.company.id)], limit=1)
        self.assertEqual(model.state, "insufficient")  # one invoice: no prediction, said so
