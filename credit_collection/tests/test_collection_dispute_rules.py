from datetime import timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CollectionCommon


@tagged("post_install", "-at_install")
class TestDisputeOnePerInvoice(CollectionCommon):
    """An invoice has one open dispute at a time: the model's rule, met by a collector in the backend
    as by a customer on the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.collector = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": "dispute_collector",
                    "password": "dispute_collector",
                    "name": "Dispute collector",
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "group_ids": [
                        Command.set(
                            [
                                cls.env.ref("base.group_user").id,
                                cls.env.ref("credit_collection.group_collection_user").id,
                            ]
                        )
                    ],
                }
            )
        )
        cls.inv_1 = cls._invoice(500.0, cls.today - timedelta(days=10))
        cls.inv_2 = cls._invoice(800.0, cls.today - timedelta(days=20))

    def _create(self, invoices):
        return (
            self.env["credit.collection.dispute"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "reason": "price",
                    "move_ids": [Command.set(invoices.ids)],
                }
            )
        )

    def test_second_open_dispute_on_an_invoice_is_refused(self):
        first = self._create(self.inv_1)
        with self.assertRaisesRegex(ValidationError, "already have an open dispute"), self.env.cr.savepoint():
            self._create(self.inv_1 | self.inv_2)
        second = self._create(self.inv_2)
        self.assertEqual((first.state, second.state), ("open", "open"))
        # closed, the invoice can be disputed again; the old dispute cannot be reopened next to the new one
        first.with_user(self.collector)._close("rejected", "Price as agreed")
        third = self._create(self.inv_1)
        with self.assertRaisesRegex(ValidationError, "already have an open dispute"), self.env.cr.savepoint():
            first.with_user(self.collector).action_reopen()
        self.assertEqual(third.state, "open")
