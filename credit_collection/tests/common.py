import logging
import socket
from datetime import date, timedelta
from unittest.mock import patch
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import new_test_user
from odoo.tests.common import _super_send

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# Run in the web client once it is ready: succeeds when the action's view shows, fails on an error
# dialog or after 30 s (a fixed delay is too short for the first page on a busy machine).
VIEW_OPENED = """
    const start = Date.now();
    const check = () => {
        if (document.querySelector('.o_error_dialog')) {
            console.error('an error dialog opened');
        } else if (document.querySelector('.o_view_controller .o_content, .modal .o_form_view')) {
            console.log('test successful');
        } else if (Date.now() - start > 30000) {
            console.error('the view did not open');
        } else {
            setTimeout(check, 250);
        }
    };
    check();
"""


class SmtpInbox:
    """A local SMTP server's mailbox: what the reminders' emails really delivered."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CollectionCommon(AccountTestInvoicingCommon):
    """Two companies with the generic chart, a test policy on company 1, helpers for invoices and runs."""

    @classmethod
    def _request_handler(cls, session, request, /, **kwargs):
        # Odoo's test case raises any timeout under 10 s to 10 s; the gateway and provider tests talk to
        # local servers and check that the add-on's own short timeouts are honoured: keep them.
        if urlsplit(request.url).hostname in ("127.0.0.1", "localhost"):
            return _super_send(session, request, **kwargs)
        return super()._request_handler(session, request, **kwargs)

    @classmethod
    def _start_smtp_server(cls):
        """A reminder is sent when the mail server accepts its email: a real SMTP server on this machine.
        Odoo 19 sends no email at all while tests run (not even to a test server): sending is switched
        back on for these tests, towards this server only (the only one configured, first in sequence)."""
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP command
        cls.smtp_inbox = SmtpInbox()
        controller = Controller(cls.smtp_inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        cls.addClassCleanup(controller.stop)
        cls.env["ir.mail_server"].search([]).active = False
        cls.env["ir.mail_server"].create(
            {
                "name": "Collection tests SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": controller.port,
                "smtp_encryption": "none",
                "sequence": 0,
            }
        )
        cls.startClassPatcher(patch.object(type(cls.env["ir.mail_server"]), "_disable_send", lambda _: False))

    @classmethod
    def get_default_groups(cls):
        # The test user sets the product up as a finance manager does (policies, accounts, runs);
        # the flows of the other roles are tested with users of their own.
        return super().get_default_groups() | cls.env.ref("credit_collection.group_collection_manager")

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True, lang="en_US"))
        cls._start_smtp_server()
        cls.company = cls.company_data["company"]
        cls.company_data_2 = cls.setup_other_company()
        # 3 units for 1 of the company currency in 2016, 2 for 1 since 2017.
        cls.currency_data = {"currency": cls.setup_other_currency("CHF")}
        cls.today = fields.Date.context_today(cls.env.user)
        cls._set_rates_around(cls.today)
        cls.policy = cls._make_policy(cls.company)
        cls.company.collection_policy_id = cls.policy
        cls.company.collection_fee_product_id = cls.env.ref("credit_collection.product_collection_fee")
        cls.level_pre, cls.level_1, cls.level_2, cls.level_call, cls.level_formal, cls.level_escalation = (
            cls.policy.level_ids.sorted("delay_days")
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Durand Matériaux",
                "email": "compta@durand.example",
                "phone": "+33 6 11 22 33 44",
                "street": "12 rue des Forges",
                "zip": "69003",
                "city": "Lyon",
                "lang": "en_US",
                "is_company": True,
            }
        )

    @classmethod
    def _collection_user(cls, login, group="credit_collection.group_collection_user", company=None):
        """An internal user of the company with that collection group only: a collector, or a manager."""
        company = company or cls.company
        return new_test_user(
            cls.env,
            login,
            groups="base.group_user,%s" % group,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    @classmethod
    def _set_legal_rate(cls, kind, year, half, rate):
        """The rate of a half-year as a manager enters it (the table is the law's, not the test's)."""
        rates = cls.env["credit.collection.legal.rate"].sudo()
        record = rates.search([("kind", "=", kind), ("year", "=", year), ("half", "=", str(half))])
        if record:
            record.rate = rate
        else:
            record = rates.create({"kind": kind, "year": year, "half": str(half), "rate": rate})
        return record

    @classmethod
    def _set_rates_around(cls, day):
        """Test rates (those of 2026 S1) for the half-year of ``day``, the two before and the next: the
        tests dated from today do not depend on what is published for those half-years."""
        start = date(day.year, 1 if day.month <= 6 else 7, 1)
        for offset in (-12, -6, 0, 6):
            half_start = start + relativedelta(months=offset)
            half = 1 if half_start.month == 1 else 2
            cls._set_legal_rate("ecb_mro", half_start.year, half, 2.15)
            cls._set_legal_rate("legal_other", half_start.year, half, 2.62)
            cls._set_legal_rate("legal_individual", half_start.year, half, 6.65)

    @classmethod
    def _make_policy(cls, company):
        templates = {
            tone: cls.env.ref("credit_collection.mail_template_reminder_%s" % tone)
            for tone in ("courteous", "firm", "formal")
        }
        return cls.env["credit.collection.policy"].create(
            {
                "name": "Test policy",
                "company_id": company.id,
                "level_ids": [
                    Command.create(
                        {
                            "name": "Pre-reminder",
                            "delay_days": -5,
                            "tone": "courteous",
                            "email_template_id": templates["courteous"].id,
                            "case_stage": "pre_reminder",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Reminder 1",
                            "delay_days": 5,
                            "tone": "courteous",
                            "email_template_id": templates["courteous"].id,
                            "case_stage": "reminder_1",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Reminder 2",
                            "delay_days": 15,
                            "tone": "firm",
                            "channel_sms": True,
                            "email_template_id": templates["firm"].id,
                            "sms_template_id": cls.env.ref("credit_collection.sms_template_reminder").id,
                            "case_stage": "reminder_2",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Call",
                            "delay_days": 25,
                            "tone": "firm",
                            "channel_email": False,
                            "channel_phone": True,
                            "case_stage": "reminder_2",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Formal notice",
                            "delay_days": 40,
                            "tone": "formal",
                            "channel_letter": True,
                            "email_template_id": templates["formal"].id,
                            "recovery_fee": 40.0,
                            "interest_mode": "contract",
                            "interest_rate": 12.0,
                            "interest_day_count": "365",
                            "case_stage": "formal_notice",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Escalation",
                            "delay_days": 90,
                            "tone": "formal",
                            "channel_email": False,
                            "channel_phone": True,
                            "escalate": True,
                            "case_stage": "provision",
                        }
                    ),
                ],
            }
        )

    @classmethod
    def _invoice(cls, amount, due, partner=None, company=None, currency=None, post=True):
        company = company or cls.company
        move = (
            cls.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": (partner or cls.customer).id,
                    "invoice_date": due - timedelta(days=30),
                    "invoice_date_due": due,
                    "currency_id": (currency or company.currency_id).id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Maintenance", "quantity": 1, "price_unit": amount, "tax_ids": [Command.clear()]}
                        )
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    def _pay(self, invoice, amount=None, date=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(
                active_model="account.move",
                active_ids=invoice.ids,
            )
            .create(
                {
                    "payment_date": date or self.today,
                    "payment_difference_handling": "open",
                    **({"amount": amount} if amount is not None else {}),
                }
            )
        )
        return wizard._create_payments()

    def _run(self, date, company=None):
        run = (
            self.env["credit.collection.run"]
            .with_company(company or self.company)
            .create({"company_id": (company or self.company).id, "date": date})
        )
        run._plan()
        return run

    def _deliver(self, env=None):
        """What the background does after a run or an approval: the sending lanes, then the mail queue."""
        env = env or self.env
        companies = self.company | self.company_data_2["company"]
        self._send_now(env["credit.collection.action"].search([("company_id", "in", companies.ids)]))

    def _send_now(self, actions):
        """What the sending lanes and the mail queue do for these reminders, in the test's transaction."""
        actions._process_queue()
        actions.env["mail.mail"].search(
            [("model", "=", "credit.collection.action"), ("res_id", "in", actions.ids), ("state", "=", "outgoing")]
        ).send()

    def _run_and_deliver(self, date, company=None):
        run = self._run(date, company)
        self._deliver()
        return run

    def _actions(self, invoice):
        return self.env["credit.collection.action"].search([("line_ids.move_id", "in", invoice.ids)])
