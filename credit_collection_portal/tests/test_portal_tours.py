from datetime import date, timedelta

from odoo.tests import tagged

from .common import PortalFrenchCommon


class PortalFrenchTourCommon(PortalFrenchCommon):
    """The acceptance of the portal: a French customer's requests, played in Chromium, land at once
    on its collection case where the collector reads them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inv_plan = cls._ref_invoice("CCP-PLAN", 900.0, cls.today - timedelta(days=60))
        cls._send_reminder(cls.inv_old, cls.level_formal)
        cls._send_reminder(cls.inv_plan, cls.level_escalation)
        cls.collector = cls._collector()

    def _play_the_french_tour(self):
        # a long tour (three forms and a payment): more than the default minute on a loaded machine
        # The tour picks "in 10 days" from the browser's day, which a run across midnight may change.
        browser_days = {date.today()}
        self.start_tour("/my/balance", "credit_collection_portal_french", login=self.user_fr.login, timeout=600)
        browser_days.add(date.today())
        self.env.invalidate_all()
        tx = self.env["payment.transaction"].sudo().search([("invoice_ids", "in", self.inv_old.ids)])
        self.assertEqual((tx.invoice_ids, tx.amount, tx.state), (self.inv_old | self.inv_late, 1200.0, "done"))
        self.assertIn(self.inv_old.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.inv_late.amount_residual, 300.0)
        # what the collector finds, as a collector, right after
        as_collector = self.env(user=self.collector)
        dispute = as_collector["credit.collection.dispute"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            (dispute.source, dispute.reason, dispute.move_ids, dispute.state),
            ("portal", "quality", self.inv_next.with_env(as_collector), "open"),
        )
        promise = as_collector["credit.collection.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((promise.amount, promise.move_ids), (300.0, self.inv_late.with_env(as_collector)))
        self.assertIn(promise.promise_date, {day + timedelta(days=10) for day in browser_days})
        plan = as_collector["credit.collection.payment.plan"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            (plan.state, plan.instalment_count, plan.move_ids), ("draft", 4, self.inv_plan.with_env(as_collector))
        )
        case = dispute.case_id
        self.assertEqual(promise.case_id | plan.case_id, case)
        bodies = " ".join(case.message_ids.mapped("body"))
        for said in (
            "Deux pièces sur cinq sont arrivées cassées.",
            "Réglé avec nos prochains encaissements.",
            "Notre principal client nous paie en retard ce trimestre.",
        ):
            self.assertIn(said, bodies)
        authors = case.message_ids.filtered(lambda message: "cassées" in message.body).author_id
        self.assertEqual(authors, self.user_fr.partner_id.with_env(as_collector))


@tagged("post_install", "-at_install")
class TestPortalTourDesktop(PortalFrenchTourCommon):
    def test_french_customer_on_a_desktop(self):
        self._play_the_french_tour()


@tagged("post_install", "-at_install")
class TestPortalTourPhone(PortalFrenchTourCommon):
    browser_size = "390x844"
    touch_enabled = True

    def test_french_customer_on_a_390px_phone(self):
        self._play_the_french_tour()
