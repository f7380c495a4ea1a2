import logging
from datetime import datetime, time, timedelta

import psycopg2
import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.mail import generate_tracking_message_id
from odoo.tools.misc import format_date, formatLang
from odoo.tools.pdf import merge_pdf

from odoo.addons.base.models.ir_actions_report import _wkhtml

from ..tools.i18n import selection_label
from ..tools.transactions import is_transient
from .credit_collection_level import CHANNELS

_logger = logging.getLogger(__name__)

PENDING_STATES = ("to_review", "queued")
ACTION_STATES = [
    ("to_review", "To review"),
    ("queued", "To send"),
    ("sending", "Sending"),
    ("sent", "Sent"),
    ("cancelled", "Cancelled"),
    ("failed", "Failed"),
]


class CreditCollectionAction(models.Model):
    """One reminder to one customer, at one level, on one channel, for one or more due items.

    Life: to review -> to send (queued) -> sending (handed to the mail/SMS queue) -> sent, or failed
    with its reason. Rendering and delivery run in the background queue (credit_collection_action_queue.py).
    """

    _name = "credit.collection.action"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Collection action"
    _order = "date desc, id desc"
    _rec_names_search = ["partner_id", "level_id"]

    name = fields.Char(compute="_compute_name")  # not stored: the channel in the reader's language
    run_id = fields.Many2one("credit.collection.run", index=True, ondelete="set null")
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True)
    user_id = fields.Many2one("res.users", "Collector", index=True)
    level_id = fields.Many2one("credit.collection.level", required=True, ondelete="restrict")
    policy_id = fields.Many2one(related="level_id.policy_id", store=True)
    tone = fields.Selection(related="level_id.tone")
    case_stage = fields.Selection(related="level_id.case_stage")
    channel = fields.Selection(CHANNELS, required=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    state = fields.Selection(ACTION_STATES, default="queued", required=True, index=True, tracking=True)
    line_ids = fields.One2many("credit.collection.action.line", "action_id", "Due items")
    move_ids = fields.Many2many("account.move", compute="_compute_move_ids", string="Invoices")
    amount_due = fields.Monetary(compute="_compute_amounts", store=True, currency_field="currency_id")
    fee_amount = fields.Monetary(compute="_compute_amounts", store=True, currency_field="currency_id")
    interest_amount = fields.Monetary(compute="_compute_amounts", store=True, currency_field="currency_id")
    amount_total = fields.Monetary(
        "Total claimed", compute="_compute_amounts", store=True, currency_field="currency_id"
    )
    max_days_late = fields.Integer(compute="_compute_amounts", store=True)
    approved_by_id = fields.Many2one("res.users", "Approved by", readonly=True)
    sent_date = fields.Datetime(
        readonly=True,
        help="When the mail server accepted the email, the gateway the "
        "SMS, or the letter went to the day's print batch.",
    )
    sent_by_id = fields.Many2one("res.users", readonly=True)
    error_message = fields.Text("Failure reason", readonly=True)
    cancel_reason = fields.Char(readonly=True)
    fee_invoice_id = fields.Many2one("account.move", "Fee invoice", readonly=True)
    letter_attachment_id = fields.Many2one("ir.attachment", readonly=True)
    statement_attachment_id = fields.Many2one("ir.attachment", readonly=True)
    case_id = fields.Many2one("credit.collection.case", "Case", index=True, readonly=True)
    mail_id = fields.Many2one("mail.mail", readonly=True, index="btree_not_null")
    sms_id = fields.Many2one("sms.sms", readonly=True, index="btree_not_null")
    delivery_reference = fields.Char(
        readonly=True,
        copy=False,
        help="Idempotency key of the SMS given to the gateway: a message re-posted after a lost answer keeps it, "
        "so the gateway never delivers it twice.",
    )
    body = fields.Html("Content sent", readonly=True, sanitize=True)

    @api.depends("partner_id", "level_id", "channel")
    @api.depends_context("lang")
    def _compute_name(self):
        for action in self:
            action.name = "%s - %s - %s" % (
                action.level_id.name or "",
                selection_label(action, "channel"),
                action.partner_id.name or "",
            )

    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for action in self:
            action.move_ids = action.line_ids.move_id

    @api.depends(
        "line_ids.amount_residual",
        "line_ids.fee_amount",
        "line_ids.interest_amount",
        "line_ids.state",
        "line_ids.days_late",
    )
    def _compute_amounts(self):
        for action in self:
            lines = action.line_ids.filtered(lambda line: line.state != "cancelled")
            action.amount_due = sum(lines.mapped("amount_residual"))
            action.fee_amount = sum(lines.mapped("fee_amount"))
            action.interest_amount = sum(lines.mapped("interest_amount"))
            action.amount_total = action.amount_due + action.fee_amount + action.interest_amount
            action.max_days_late = max(lines.mapped("days_late") or [0])

    # ------------------------------------------------------------------ collector actions
    def action_approve(self):
        """The collector's decision; rendering and delivery are the system's, in the background queue."""
        to_send = self.filtered(lambda action: action.state == "to_review")
        to_send.write({"state": "queued", "approved_by_id": self.env.uid})
        return self._queued_notification(to_send, self.env._("Approved"))

    def action_retry(self):
        """Delivery is done again from the start; the outcome shows on the action when the queue has run."""
        failed = self.filtered(lambda action: action.state == "failed")
        failed.write({"state": "queued", "error_message": False, "approved_by_id": self.env.uid})
        # The system's bookkeeping of a new attempt (claim, SMS reference, documents of the failed one).
        failed.sudo()._reset_delivery()
        return self._queued_notification(failed, self.env._("Retry"))

    def action_cancel(self):
        cancellable = self.filtered(lambda action: action.state in PENDING_STATES + ("failed",))
        cancellable._cancel(self.env._("Cancelled by %s", self.env.user.name))
        return True

    def _queued_notification(self, actions, title):
        if actions:
            self._trigger_sending()
        message = (
            self.env._(
                "%s reminder(s) queued: they are sent in the background and their status follows delivery.",
                len(actions),
            )
            if actions
            else self.env._("Nothing to send in the selection.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": "success" if actions else "warning",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _cancel(self, reason):
        self.line_ids.filtered(lambda line: line.state == "planned").write(
            {"state": "cancelled", "cancel_reason": reason}
        )
        self.write({"state": "cancelled", "cancel_reason": reason})

    # ------------------------------------------------------------------ what a reminder leaves behind
    def _record_issue(self):
        """Bookkeeping of a reminder handed to delivery: its items, fees, case and escalation.

        Done once per action (a retry after a failed delivery does not charge or advance twice),
        as the system: the collector's right is to approve, not to write on customers or invoices.
        """
        self.ensure_one()
        planned = self.line_ids.filtered(lambda line: line.state == "planned")
        if not planned:
            return
        planned.write({"state": "done"})
        if self.level_id.invoice_fees:
            self._invoice_fees()
        case = (
            self.env["credit.collection.case"]
            ._get_or_open(self.partner_id, self.company_id, self.level_id.case_stage)
            .sudo()
        )
        self.case_id = case
        case._advance_to(self.level_id.case_stage, self.level_id.name)
        if self.level_id.escalate:
            self.partner_id.commercial_partner_id._collection_escalate(self)

    def _note_lang(self):
        """The language of what the engine writes for people (notes, reasons, call tasks): the user
        working, else in the background the collector who approved or follows the reminder, else the
        company's; never the customer's, nor the system user's."""
        self.ensure_one()
        if not self.env.user._is_superuser() and self.env.lang:
            return self.env.lang
        starter = self.run_id.create_uid
        return (
            self.approved_by_id.lang
            or self.user_id.lang
            or (starter.lang if starter and not starter._is_superuser() else False)
            or self.company_id.partner_id.lang
            or self.env.lang
        )

    def _in_note_lang(self):
        self.ensure_one()
        return self.with_context(lang=self._note_lang())

    def _channel_label(self):
        return selection_label(self, "channel").lower()

    def _record_link(self):
        return Markup('<a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>') % (self._name, self.id, self.name)

    def _log_delivery(self):
        """The trace of a delivered reminder on the action, the customer, the case and the invoices."""
        for action in self:
            action._in_note_lang()._log_delivery_one()

    def _log_delivery_one(self):
        summary = self.env._(
            "%(level)s sent by %(channel)s: %(amount)s due on %(count)s item(s).",
            level=self.level_id.name,
            channel=self._channel_label(),
            amount=self._format_amount(self.amount_due),
            count=len(self.line_ids.filtered(lambda line: line.state == "done")),
        )
        note = Markup("%s %s") % (summary, self._record_link())
        author = (self.approved_by_id or self.sent_by_id).partner_id.id or None
        records = [
            record for record in [self.partner_id.commercial_partner_id, self.case_id, *self.line_ids.move_id] if record
        ]
        self._log_notes([(record, note) for record in records] + [(self, Markup("%s") % summary)], author)

    def _log_notes(self, notes, author=None):
        """Log notes (no notification) on records of any model, in one insert: ``_message_log`` for many."""
        author_id, email_from = self._message_compute_author(author, None)
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        self.env["mail.thread"].sudo()._message_create(
            [
                {
                    "author_id": author_id,
                    "email_from": email_from,
                    "model": record._name,
                    "res_id": record.id,
                    "body": body,
                    "message_type": "notification",
                    "is_internal": True,
                    "subtype_id": note,
                    "email_add_signature": False,
                    "record_alias_domain_id": False,
                    "record_company_id": False,
                    "message_id": generate_tracking_message_id("message-notify"),
                    "reply_to": self.env["mail.thread"]._notify_get_reply_to(default=email_from)[False],
                }
                for record, body in notes
            ]
        )

    def _log_failure(self):
        for action in self:
            action._in_note_lang()._log_failure_one()

    def _log_failure_one(self):
        note = self.env._(
            "%(level)s by %(channel)s not delivered: %(reason)s",
            level=self.level_id.name,
            channel=self._channel_label(),
            reason=self.error_message,
        )
        self._message_log(body=Markup("%s") % note)
        if self.case_id:
            self.case_id._message_log(body=Markup("%s %s") % (note, self._record_link()))

    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def _invoice_fees(self):
        product = self.company_id.collection_fee_product_id
        if not product:
            raise UserError(self.env._("Set the product used to invoice collection fees in the settings."))
        lines = []
        for line in self.line_ids.filtered(lambda line: line.state == "done"):
            if line.fee_amount:
                lines.append(
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": line.fee_amount,
                            "tax_ids": [(5, 0, 0)],
                            "name": line._recovery_fee_label(),
                        },
                    )
                )
            if line.interest_amount:
                lines.append(
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": line.interest_amount,
                            "tax_ids": [(5, 0, 0)],
                            "name": line._interest_label(),
                        },
                    )
                )
        if not lines:
            return
        # Created as the system: only the engine marks an invoice as its own charge.
        invoice = (
            self.env["account.move"]
            .with_company(self.company_id)
            .sudo()
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "invoice_date": self.date,
                    "invoice_origin": self.name,
                    "invoice_line_ids": lines,
                    "collection_charge": "fee",
                }
            )
            .sudo(False)
        )
        invoice.action_post()
        self.fee_invoice_id = invoice

    def _portal_url(self):
        """Where the reminder's link leads; the portal add-on points it at the customer's account page."""
        self.ensure_one()
        move = self.line_ids.move_id[:1]
        return move.get_portal_url() if move else "/my"

    # ------------------------------------------------------------------ documents
    def _letter_attachment(self):
        """The letter of this reminder, rendered once: the email of the same customer and level reuses
        the letter of its postal twin."""
        self.ensure_one()
        if self.letter_attachment_id:
            return self.letter_attachment_id
        twin = self._twin("letter")
        if twin.letter_attachment_id:
            self.letter_attachment_id = twin.letter_attachment_id
            return self.letter_attachment_id
        report = self.env.ref("credit_collection.action_report_collection_letter")
        content, _kind = report._render_qweb_pdf(report.report_name, self.ids)
        self.letter_attachment_id = self._attach(self._customer_file_name("letter"), content)
        if twin and twin.state in PENDING_STATES:
            twin.letter_attachment_id = self.letter_attachment_id
        return self.letter_attachment_id

    def _statement_attachment(self):
        """The customer's statement, rendered once a day and shared by its reminders of that day."""
        self.ensure_one()
        if self.statement_attachment_id:
            return self.statement_attachment_id
        same_day = self._same_day_statement()
        if same_day:
            self.statement_attachment_id = same_day.statement_attachment_id
            return self.statement_attachment_id
        report = self.env.ref("credit_collection.action_report_statement")
        partner = self.partner_id.with_context(collection_company_id=self.company_id.id)
        content, _kind = report.with_company(self.company_id)._render_qweb_pdf(report.report_name, partner.ids)
        self.statement_attachment_id = self._attach(self._customer_file_name("statement"), content)
        return self.statement_attachment_id

    def _same_day_statement(self):
        """A reminder of the same customer and company whose statement was rendered today."""
        self.ensure_one()
        return self.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("statement_attachment_id", "!=", False),
                (
                    "statement_attachment_id.create_date",
                    ">=",
                    fields.Datetime.to_string(fields.Datetime.now().replace(hour=0, minute=0, second=0)),
                ),
            ],
            limit=1,
        )

    def _prepare_statements(self):
        """The statements these email reminders attach, for several customers in one wkhtmltopdf call per
        company, split per customer: starting wkhtmltopdf costs more than rendering a page. A customer
        whose statement of the day exists reuses it. When the batch cannot be rendered or split, nothing is
        set: each reminder then renders its own (``_statement_attachment``), and a failure is reported on
        the reminder it belongs to."""
        if not _wkhtml().is_patched_qt:
            return  # an unpatched wkhtmltopdf renders one document a call: one by one
        wanted = self.filtered(
            lambda action: action.channel == "email"
            and action.level_id.email_attach_statement
            and not action.statement_attachment_id
        )
        for company, actions in wanted.grouped("company_id").items():
            by_partner = {}
            for action in actions:
                same_day = action._same_day_statement()
                if same_day:
                    action.statement_attachment_id = same_day.statement_attachment_id
                else:
                    by_partner.setdefault(action.partner_id, self.browse())
                    by_partner[action.partner_id] |= action
            if len(by_partner) < 2:
                continue
            partner_ids = [partner.id for partner in by_partner]
            report = self.env.ref("credit_collection.action_report_statement").with_company(company)
            report = report.with_context(collection_company_id=company.id)
            try:
                with self.env.cr.savepoint():
                    streams, kind = report._pre_render_qweb_pdf(
                        report.report_name, res_ids=partner_ids, data={"report_type": "pdf"}
                    )
            except Exception as error:  # noqa: BLE001 - rendered one by one, where the failure is reported
                if is_transient(error):
                    raise
                _logger.info("statements of %s rendered one by one", partner_ids, exc_info=True)
                continue
            if (
                kind != "pdf"
                or set(streams) != set(partner_ids)
                or not all(streams[pid]["stream"] for pid in partner_ids)
            ):
                continue  # not split per customer: one by one
            for partner, its_actions in by_partner.items():
                first = its_actions[0]
                attachment = first._attach(
                    first._customer_file_name("statement"), streams[partner.id]["stream"].getvalue()
                )
                its_actions.statement_attachment_id = attachment

    def _twin(self, channel):
        """The action of the same run, customer and level on another channel."""
        self.ensure_one()
        if not self.run_id:
            return self.browse()
        return self.search(
            [
                ("run_id", "=", self.run_id.id),
                ("partner_id", "=", self.partner_id.id),
                ("level_id", "=", self.level_id.id),
                ("channel", "=", channel),
                ("id", "!=", self.id),
            ],
            limit=1,
        )

    def _attach(self, name, content):
        return self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/pdf",
            }
        )

    def _customer_file_name(self, kind):
        """A document's file name in the customer's language, not the collector's."""
        action = self.with_context(lang=self.partner_id.lang or self.env.lang)
        return action._file_name(kind)

    def _file_name(self, kind):
        label = self.env._("Reminder") if kind == "letter" else self.env._("Statement")
        return "%s %s.pdf" % (label, (self.partner_id.name or "").replace("/", "-"))

    @api.model
    def _lock_if_free(self, action_id):
        """Locks the reminder unless the sending queue holds it (or changed it since this transaction
        began): a payment never waits for the queue, which re-checks the items itself."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM credit_collection_action WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", [action_id]
                )
                return bool(self.env.cr.fetchone())
        except psycopg2.errors.SerializationFailure:
            return False

    # ------------------------------------------------------------------ the day's letters
    @api.model
    def _letters_of_day(self, company, day):
        """The letters delivered to the print batch on ``day`` (in the user's timezone), whatever their run."""
        start = self._day_start_utc(day)
        return self.search(
            [
                ("company_id", "=", company.id),
                ("channel", "=", "letter"),
                ("state", "=", "sent"),
                ("sent_date", ">=", start),
                ("sent_date", "<", start + timedelta(days=1)),
            ],
            order="sent_date, id",
        )

    @api.model
    def _day_start_utc(self, day):
        local = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        return local.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _print_letters_of_day(self, company, day):
        """One PDF of the day's letters for printing, attached to the company and downloaded."""
        letters = self._letters_of_day(company, day)
        if not letters:
            raise UserError(self.env._("No letter was delivered to the print batch on %s.", format_date(self.env, day)))
        documents = [letter._letter_attachment().raw for letter in letters]
        content = documents[0] if len(documents) == 1 else merge_pdf(documents)
        name = self.env._("Letters to print %s.pdf", fields.Date.to_string(day))
        attachments = self.env["ir.attachment"].sudo()
        batch = attachments.search(
            [("res_model", "=", "res.company"), ("res_id", "=", company.id), ("name", "=", name)], limit=1
        )
        if batch:
            batch.raw = content
        else:
            batch = attachments.create(
                {
                    "name": name,
                    "raw": content,
                    "res_model": "res.company",
                    "res_id": company.id,
                    "mimetype": "application/pdf",
                }
            )
        return {"type": "ir.actions.act_url", "target": "self", "url": "/web/content/%s?download=true" % batch.id}

    @api.model
    def action_print_todays_letters(self):
        return self._print_letters_of_day(self.env.company, fields.Date.context_today(self))

    # ------------------------------------------------------------------ cancellation by payments
    @api.model
    def _cancel_for_paid_items(self, move_lines):
        """Pending reminders of items just paid in full are cancelled at once, and so are the emails of
        those still waiting in the mail queue.

        Never waits for the sending queue: an action it is rendering is skipped (SKIP LOCKED) and
        re-checked by the queue itself before it commits and again before the SMTP transaction.
        """
        paid = move_lines.filtered(lambda line: line.reconciled and line.account_type == "asset_receivable")
        if not paid:
            return
        self.env["credit.collection.action.line"].flush_model()
        self.env.cr.execute(
            """
            SELECT a.id FROM credit_collection_action a
             WHERE a.id IN (SELECT action_id FROM credit_collection_action_line
                             WHERE move_line_id IN %s AND state != 'cancelled')
               AND (a.state IN %s OR (a.state = 'sending' AND a.channel = 'email'))
        """,
            [tuple(paid.ids), PENDING_STATES],
        )
        actions = self.sudo().browse(
            [action_id for (action_id,) in self.env.cr.fetchall() if self._lock_if_free(action_id)]
        )
        if not actions:
            return
        reason = self.env._("paid")
        lines = actions.line_ids.filtered(lambda line: line.move_line_id in paid and line.state != "cancelled")
        waiting = actions.filtered(lambda action: action.state in PENDING_STATES)
        lines.filtered(lambda line: line.action_id in waiting).write({"state": "cancelled", "cancel_reason": reason})
        for action in waiting:
            if all(line.state == "cancelled" for line in action.line_ids):
                action._cancel(reason)
        (actions - waiting)._cancel_outgoing_email(paid, reason)
