from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestClaimAccounting(InsuranceCommon):
    def _claim(self, amount=5000.0, granted=10000.0):
        self._decision(granted)
        invoice = self._invoice(amount, self.today - timedelta(days=90))
        return self.env["credit.insurance.claim"].create(
            {
                "policy_id": self.ins_policy.id,
                "partner_id": self.customer.id,
                "move_ids": [Command.set(invoice.ids)],
            }
        )

    def test_indemnity_agreed_and_received_are_posted(self):
        claim = self._claim(amount=5000.0, granted=4000.0)
        self.assertAlmostEqual(claim.amount_claimed, 5000.0)
        self.assertAlmostEqual(claim.indemnity_amount, 3600.0)  # 90 % of the 4,000 granted
        claim.action_file()
        self.assertEqual(claim.state, "filed")
        claim.action_accept()
        self.assertEqual(claim.state, "accepted")
        accrual = claim.accrual_move_id
        self.assertEqual(accrual.state, "posted")
        self.assertEqual(accrual.journal_id, self.company_data["default_journal_misc"])
        debit = accrual.line_ids.filtered(lambda line: line.debit)
        credit = accrual.line_ids.filtered(lambda line: line.credit)
        self.assertEqual((debit.account_id, debit.partner_id, debit.debit), (self.claim_account, self.insurer, 3600.0))
        self.assertEqual((credit.account_id, credit.credit), (self.indemnity_account, 3600.0))
        self.assertAlmostEqual(sum(accrual.line_ids.mapped("balance")), 0.0)
        # Filed in the customer's collection case.
        self.assertEqual(claim.case_id.partner_id, self.customer)
        self.assertIn(claim.name, claim.case_id.message_ids[0].body)

        with self.assertRaisesRegex(UserError, "indemnity received"):
            claim.action_register_indemnity()
        claim.write({"indemnity_received": 3600.0, "indemnity_date": self.today})
        claim.action_register_indemnity()
        self.assertEqual(claim.state, "paid")
        receipt = claim.payment_move_id
        bank_account = self.company_data["default_journal_bank"].default_account_id
        self.assertEqual(receipt.state, "posted")
        self.assertEqual(receipt.line_ids.filtered(lambda line: line.debit).account_id, bank_account)
        self.assertEqual(receipt.line_ids.filtered(lambda line: line.credit).account_id, self.claim_account)
        self.assertAlmostEqual(sum(receipt.line_ids.mapped("balance")), 0.0)
        insurer_lines = (accrual | receipt).line_ids.filtered(lambda line: line.account_id == self.claim_account)
        self.assertTrue(all(insurer_lines.mapped("reconciled")))
        self.assertAlmostEqual(sum(insurer_lines.mapped("balance")), 0.0)

    def test_accounts_required_and_rejected_claim_posts_nothing(self):
        claim = self._claim()
        self.ins_policy.indemnity_account_id = False
        with self.assertRaisesRegex(UserError, "indemnity account"):
            claim.action_accept()
        self.assertFalse(claim.accrual_move_id)
        claim.action_reject()
        self.assertEqual(claim.state, "rejected")
        self.assertFalse(self.env["account.move"].search([("ref", "like", claim.name)]))
