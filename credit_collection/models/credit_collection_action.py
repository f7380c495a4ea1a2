import logging

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang

from ..tools.i18n import selection_label
from .credit_collection_level import CHANNELS

_logger = logging.getLogger(__name__)

PENDING_STATES = ("to_review", "queued")


class CreditCollectionAction(models.Model):
    """One reminder to one customer, at one level, on one channel, for one or more due items."""

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
    state = fields.Selection(
        [("to_review", "To review"), ("queued", "To send"), ("sent", "Done"),
         ("cancelled", "Cancelled"), ("failed", "Failed")],
        default="queued", required=True, index=True, tracking=True)
    line_ids = fields.One2many("credit.collection.action.line", "action_id", "Due items")
    move_ids = fields.Many2many("account.move", compute="_compute_move_ids", string="Invoices")
    amount_due = fields.Monetary(compute="_compute_amounts", store=True, currency_field="currency_id")
    fee_amount = fields.Monetary(compute="_compute_amounts", store=True, currency_field="currency_id")
    interest_amount = fields.Monetary(compute="_compute_amounts", store=True, currency_field="currency_id")
    amount_total = fields.Monetary(
        "Total claimed", compute="_compute_amounts", store=True, currency_field="currency_id")
    max_days_late = fields.Integer(compute="_compute_amounts", store=True)
    sent_date = fields.Datetime(readonly=True)
    sent_by_id = fields.Many2one("res.users", readonly=True)
    error_message = fields.Text(readonly=True)
    cancel_reason = fields.Char(readonly=True)
    fee_invoice_id = fields.Many2one("account.move", "Fee invoice", readonly=True)
    letter_attachment_id = fields.Many2one("ir.attachment", readonly=True)
    case_id = fields.Many2one("credit.collection.case", "Case", index=True, readonly=True)
    mail_id = fields.Many2one("mail.mail", readonly=True)
    sms_id = fields.Many2one("sms.sms", readonly=True)
    body = fields.Html("Content sent", readonly=True, sanitize=True)

    @api.depends("partner_id", "level_id", "channel")
    @api.depends_context("lang")
    def _compute_name(self):
        for action in self:
            action.name = "%s - %s - %s" % (
                action.level_id.name or "", selection_label(action, "channel"), action.partner_id.name or "")

    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for action in self:
            action.move_ids = action.line_ids.move_id

    @api.depends("line_ids.amount_residual", "line_ids.fee_amount", "line_ids.interest_amount",
                 "line_ids.state", "line_ids.days_late")
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
        to_send = self.filtered(lambda action: action.state == "to_review")
        to_send.write({"state": "queued"})
        to_send._send()
        return True

    def action_cancel(self):
        self.filtered(lambda action: action.state in PENDING_STATES + ("failed",))._cancel(
            _("Cancelled by %s", self.env.user.name))
        return True

    def action_retry(self):
        self.filtered(lambda action: action.state == "failed").write({"state": "queued", "error_message": False})
        return True

    def _cancel(self, reason):
        self.line_ids.filtered(lambda line: line.state == "planned").write(
            {"state": "cancelled", "cancel_reason": reason})
        self.write({"state": "cancelled", "cancel_reason": reason})

    # ------------------------------------------------------------------ sending
    @api.model
    def _cron_send_queued(self, batch_size=200):
        """Sends what runs queued, committing every batch so a crash loses nothing and repeats nothing."""
        while True:
            self.env.cr.execute("""
                SELECT id FROM credit_collection_action WHERE state = 'queued'
                ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED
            """, [batch_size])
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                return
            self.browse(ids)._send()
            self.env.cr.commit()

    def _send(self):
        """Re-checks every item, then sends. Runs in the caller's transaction."""
        actions = self.filtered(lambda action: action.state == "queued")
        if not actions:
            return
        actions._recheck_items()
        for action in actions.filtered(lambda action: action.state == "queued"):
            if not action.env.lang:  # a scheduled action: notes in the company's language, not half English
                action = action.with_context(lang=action.company_id._collection_lang())
            try:
                with self.env.cr.savepoint():
                    getattr(action, "_send_%s" % action.channel)()
                    action._after_send()
            except Exception as error:  # noqa: BLE001 - any failure is reported on the action
                _logger.info("collection action %s failed: %s", action.id, error)
                message = error.args[0] if isinstance(error, UserError) and error.args else str(error)
                action.write({"state": "failed", "error_message": message})
                if action.run_id:
                    action.run_id._log_message("error", message, action.partner_id, action.move_ids, action)

    def _recheck_items(self):
        """Drops the items paid, reconciled or blocked since planning; cancels actions left empty."""
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model(["collection_blocked", "collection_hold"])
        self.env["res.partner"].flush_model(["collection_blocked"])
        self.env.cr.execute("""
            SELECT al.id,
                   CASE WHEN aml.reconciled OR aml.amount_residual <= 0 THEN 'paid'
                        WHEN aml.blocked OR m.collection_blocked OR p.collection_blocked
                             OR m.collection_hold IS NOT NULL THEN 'blocked'
                   END
              FROM credit_collection_action_line al
              JOIN account_move_line aml ON aml.id = al.move_line_id
              JOIN account_move m ON m.id = aml.move_id
              JOIN res_partner p ON p.id = m.commercial_partner_id
             WHERE al.action_id IN %s AND al.state = 'planned'
               AND (aml.reconciled OR aml.amount_residual <= 0 OR aml.blocked
                    OR m.collection_blocked OR p.collection_blocked OR m.collection_hold IS NOT NULL)
        """, [tuple(self.ids)])
        reasons = {_("paid since planning"): [], _("dunning blocked since planning"): []}
        for line_id, why in self.env.cr.fetchall():
            reasons[_("paid since planning") if why == "paid" else _("dunning blocked since planning")].append(line_id)
        for reason, line_ids in reasons.items():
            self.env["credit.collection.action.line"].browse(line_ids).write(
                {"state": "cancelled", "cancel_reason": reason})
        for action in self:
            if all(line.state == "cancelled" for line in action.line_ids):
                action._cancel(action.line_ids[:1].cancel_reason or _("nothing left to remind"))

    def _after_send(self):
        self.ensure_one()
        self.line_ids.filtered(lambda line: line.state == "planned").write({"state": "done"})
        self.write({"state": "sent", "sent_date": fields.Datetime.now(), "sent_by_id": self.env.uid})
        if self.level_id.invoice_fees:
            self._invoice_fees()
        case = self.env["credit.collection.case"]._get_or_open(
            self.partner_id, self.company_id, self.level_id.case_stage)
        self.case_id = case
        case._advance_to(self.level_id.case_stage, self.level_id.name)
        if self.level_id.escalate:
            self.partner_id.commercial_partner_id._collection_escalate(self)
        summary = _("%(level)s sent by %(channel)s: %(amount)s due on %(count)s item(s).",
                    level=self.level_id.name, channel=selection_label(self, "channel"),
                    amount=self._format_amount(self.amount_due), count=len(self.line_ids.filtered(
                        lambda line: line.state == "done")))
        note = '%s <a href="#" data-oe-model="%s" data-oe-id="%s">%s</a>' % (
            summary, self._name, self.id, self.name)
        for record in [self.partner_id, case, *self.line_ids.move_id]:
            record.message_post(body=note, subtype_xmlid="mail.mt_note")
        self.message_post(body=summary, subtype_xmlid="mail.mt_note")

    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    # --- one method per channel
    def _send_email(self):
        partner = self.partner_id
        if not partner.email:
            raise UserError(_("%s has no email address.", partner.display_name))
        template = self.level_id.email_template_id
        if not template:
            raise UserError(_("Level %s has no email template.", self.level_id.name))
        attachments = self._letter_attachment() | self._statement_attachment()
        mail_id = template.send_mail(
            self.id, email_layout_xmlid="mail.mail_notification_light",
            email_values={"attachment_ids": [(4, attachment.id) for attachment in attachments],
                          "recipient_ids": [(6, 0, partner.ids)]},
        )
        mail = self.env["mail.mail"].browse(mail_id)
        self.write({"mail_id": mail.id, "body": mail.body_html})

    def _send_sms(self):
        partner = self.partner_id
        number = partner.mobile or partner.phone
        if not number:
            raise UserError(_("%s has no mobile or phone number.", partner.display_name))
        template = self.level_id.sms_template_id
        if not template:
            raise UserError(_("Level %s has no SMS template.", self.level_id.name))
        body = template._render_field("body", self.ids, compute_lang=True)[self.id]
        gateway = self.company_id.collection_sms_gateway_id
        if gateway:
            gateway._send_sms(number, body)
        else:
            self.sms_id = self.env["sms.sms"].sudo().create({
                "number": number, "body": body, "partner_id": partner.id})
        self.body = "<p>%s</p>" % body

    def _send_letter(self):
        self._letter_attachment()

    def _send_phone(self):
        collector = self.user_id or self.env.user
        # The call task is the collector's: written in the collector's language.
        summary, note = self.with_context(lang=collector.lang or self.env.lang)._phone_task()
        self.partner_id.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=self.date,
            summary=summary,
            note=note,
            user_id=collector.id,
        )
        self.body = note

    def _phone_task(self):
        lines = self.line_ids.filtered(lambda line: line.state == "planned")
        items = "".join(
            "<li>%s - %s - %s</li>" % (line.move_id.name, format_date(self.env, line.date_maturity),
                                       self._format_amount(line.amount_residual))
            for line in lines)
        note = "<p>%s</p><ul>%s</ul>%s" % (
            _("Call %(customer)s about %(amount)s overdue.", customer=self.partner_id.display_name,
              amount=self._format_amount(self.amount_due)),
            items, self.level_id.call_script or "")
        return _("Collection call: %s", self.level_id.name), note

    # --- documents
    def _letter_attachment(self):
        if self.letter_attachment_id:
            return self.letter_attachment_id
        report = self.env.ref("credit_collection.action_report_collection_letter")
        content, _kind = report._render_qweb_pdf(report.report_name, self.ids)
        self.letter_attachment_id = self.env["ir.attachment"].create({
            "name": self._customer_file_name("letter"),
            "raw": content,
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/pdf",
        })
        return self.letter_attachment_id

    def _statement_attachment(self):
        report = self.env.ref("credit_collection.action_report_statement")
        partner = self.partner_id.with_context(collection_company_id=self.company_id.id)
        content, _kind = report.with_company(self.company_id)._render_qweb_pdf(report.report_name, partner.ids)
        return self.env["ir.attachment"].create({
            "name": self._customer_file_name("statement"),
            "raw": content,
            "res_model": self._name,
            "res_id": self.id,
            "mimetype": "application/pdf",
        })

    def _customer_file_name(self, kind):
        """A document's file name in the customer's language, not the collector's."""
        action = self.with_context(lang=self.partner_id.lang or self.env.lang)
        return action._file_name(kind)

    def _file_name(self, kind):
        label = _("Reminder") if kind == "letter" else _("Statement")
        return "%s %s.pdf" % (label, (self.partner_id.name or "").replace("/", "-"))

    def _invoice_fees(self):
        product = self.company_id.collection_fee_product_id
        if not product:
            raise UserError(_("Set the product used to invoice collection fees in the settings."))
        lines = []
        for line in self.line_ids.filtered(lambda line: line.state == "done"):
            if line.fee_amount:
                lines.append((0, 0, {
                    "product_id": product.id, "quantity": 1, "price_unit": line.fee_amount, "tax_ids": [(5, 0, 0)],
                    "name": _("Fixed compensation for recovery costs (art. L441-10 C. com.) - %s", line.move_id.name),
                }))
            if line.interest_amount:
                lines.append((0, 0, {
                    "product_id": product.id, "quantity": 1, "price_unit": line.interest_amount, "tax_ids": [(5, 0, 0)],
                    "name": _("Late-payment interest, %(days)s days - %(invoice)s",
                              days=line.days_late, invoice=line.move_id.name),
                }))
        if not lines:
            return
        # Created as the system: only the engine marks an invoice as its own charge.
        invoice = self.env["account.move"].with_company(self.company_id).sudo().create({
            "move_type": "out_invoice",
            "partner_id": self.partner_id.id,
            "invoice_date": self.date,
            "invoice_origin": self.name,
            "invoice_line_ids": lines,
            "collection_charge": "fee",
        }).sudo(False)
        invoice.action_post()
        self.fee_invoice_id = invoice

    def _portal_url(self):
        """Where the reminder's link leads; the portal add-on points it at the customer's account page."""
        self.ensure_one()
        move = self.line_ids.move_id[:1]
        return move.get_portal_url() if move else "/my"

    # ------------------------------------------------------------------ cancellation by payments
    @api.model
    def _cancel_for_paid_items(self, move_lines):
        """Pending reminders of items just paid in full are cancelled at once."""
        paid = move_lines.filtered(lambda line: line.reconciled and line.account_type == "asset_receivable")
        if not paid:
            return
        pending = self.env["credit.collection.action.line"].sudo().search([
            ("move_line_id", "in", paid.ids), ("state", "=", "planned"),
            ("action_id.state", "in", PENDING_STATES),
        ])
        reason = _("paid")
        pending.write({"state": "cancelled", "cancel_reason": reason})
        for action in pending.action_id:
            if all(line.state == "cancelled" for line in action.line_ids):
                action._cancel(reason)
