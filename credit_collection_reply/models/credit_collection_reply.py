from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import email_normalize, email_normalize_all, html2plaintext
from odoo.tools.mail import unfold_references
from odoo.tools.misc import format_date

from odoo.addons.credit_collection.models.credit_collection_dispute import DISPUTE_REASONS

from ..tools.reply_reader import plain, read_reply, written_text
from .mail_thread import REPLY_KEY

PROPOSALS = [("promise", "Payment promise"), ("payment", "Payment announced"), ("dispute", "Dispute")]
PROPOSAL_STATES = [("pending", "To accept"), ("accepted", "Accepted"), ("rejected", "Rejected")]
# A transfer the customer says it made reaches the account within a few days: the promise waits for it.
TRANSFER_DAYS = 5
# What a collector may change on a reply (the proposal before accepting it, the customer of an unknown sender).
COLLECTOR_FIELDS = {"proposed_date", "proposed_amount", "dispute_reason", "proposed_move_ids", "partner_id"}


class CreditCollectionReply(models.Model):
    """A customer's email answering the reminders, as Odoo's mail gateway received it: filed on the
    customer's case (the email itself is on the case's chatter), or waiting to be assigned to a customer
    when the sender is unknown. What it proposes waits for the collector's acceptance."""

    _name = "credit.collection.reply"
    _inherit = ["mail.thread"]
    _description = "Customer reply"
    _order = "received_date desc, id desc"
    _rec_names_search = ["subject", "email_from", "partner_id"]

    name = fields.Char(compute="_compute_name")
    subject = fields.Char(readonly=True)
    email_from = fields.Char("From", readonly=True)
    received_date = fields.Datetime("Received on", readonly=True, default=fields.Datetime.now)
    message_ref = fields.Char("Email reference", readonly=True, index="btree_not_null", copy=False)
    body_text = fields.Text("Text written", readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", index=True, domain="[('parent_id', '=', False)]")
    case_id = fields.Many2one("credit.collection.case", "Case", index=True, readonly=True)
    user_id = fields.Many2one(related="case_id.user_id", store=True, string="Collector")
    state = fields.Selection(
        [("to_assign", "To assign"), ("filed", "On the case")], required=True, default="filed", readonly=True
    )
    auto_reply = fields.Boolean("Automatic reply", readonly=True, help="Out of office: it pauses nothing.")
    forwarded = fields.Boolean(readonly=True)
    proposal = fields.Selection(PROPOSALS, readonly=True)
    proposal_state = fields.Selection(PROPOSAL_STATES, readonly=True, index=True)
    proposed_date = fields.Date("Date read", help="The promised date, or the date of the payment announced.")
    proposed_amount = fields.Monetary("Amount", currency_field="currency_id")
    dispute_reason = fields.Selection(DISPUTE_REASONS)
    proposed_move_ids = fields.Many2many(
        "account.move",
        "credit_collection_reply_move_rel",
        "reply_id",
        "move_id",
        "Invoices",
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    evidence = fields.Char("Sentence read", readonly=True)
    pause_until = fields.Date("Dunning paused until", readonly=True)
    promise_id = fields.Many2one("credit.collection.promise", "Promise", readonly=True)
    dispute_id = fields.Many2one("credit.collection.dispute", "Dispute", readonly=True)
    decided_by_id = fields.Many2one("res.users", "Decided by", readonly=True)
    decided_date = fields.Datetime("Decided on", readonly=True)
    activity_id = fields.Many2one("mail.activity", readonly=True, ondelete="set null")

    @api.depends("subject", "email_from")
    def _compute_name(self):
        for reply in self:
            reply.name = reply.subject or reply.email_from or self.env._("Reply")

    def write(self, vals):
        if not self.env.su and not self.env.user.has_group("credit_collection.group_collection_manager"):
            if set(vals) - COLLECTOR_FIELDS:
                raise AccessError(self.env._("A collector only completes the proposal of a reply."))
            for reply in self:
                reply._check_decider()
        return super().write(vals)

    # ------------------------------------------------------------------ gateway
    @api.model
    def _route(self, message_dict, route, auto):
        """The route of a customer's email (see MailThread._routing_check_route): its case, found by the
        reminder or case it answers, else by the sender's address among the customers' contacts; the
        replies to sort when neither says whose it is. A collector answering a case by email keeps its route."""
        model, thread_id, custom_values, user_id, alias = route
        body = html2plaintext(message_dict.get("body") or "")
        forwarded_from = written_text(body)[1]
        sender = email_normalize(message_dict.get("email_from") or "")
        internal = bool(sender) and bool(
            self.env["res.users"].search_count([("share", "=", False), ("email_normalized", "=", sender)], limit=1)
        )
        if internal and not forwarded_from and thread_id:
            return route
        record = self.env[model].browse(thread_id) if thread_id else self._referenced(message_dict)
        case = self._case_of(record)
        if not case:
            partner = self._customer_of(forwarded_from if internal or forwarded_from else sender)
            if partner:
                case = self.env["credit.collection.case"]._get_or_open(partner, self._company_of(partner, alias))
        message_dict[REPLY_KEY] = {
            "auto": auto,
            "forwarded": bool(forwarded_from),
            "action_id": record.id if record._name == "credit.collection.action" else False,
            "company_id": self._company_of(self.env["res.partner"], alias, message_dict).id,
        }
        if case:
            return ("credit.collection.case", case.id, custom_values, user_id, alias)
        return (self._name, False, custom_values, user_id, alias)

    @api.model
    def _referenced(self, message_dict):
        """The reminder or case an email answers, from its References / In-Reply-To."""
        references = unfold_references(message_dict.get("references") or message_dict.get("in_reply_to") or "")
        if not references:
            return self.env["credit.collection.case"]
        message = self.env["mail.message"].search(
            [
                ("message_id", "in", references[-32:]),
                ("model", "in", ("credit.collection.case", "credit.collection.action")),
            ],
            order="id desc",
            limit=1,
        )
        return self.env[message.model].browse(message.res_id) if message else self.env["credit.collection.case"]

    @api.model
    def _case_of(self, record):
        if not record or not record.exists():
            return self.env["credit.collection.case"]
        if record._name == "credit.collection.case":
            return record if record.stage != "closed" else record._get_or_open(record.partner_id, record.company_id)
        return record.case_id.filtered(lambda case: case.stage != "closed") or self.env[
            "credit.collection.case"
        ]._get_or_open(record.partner_id, record.company_id)

    @api.model
    def _customer_of(self, email):
        """The customer a contact's address belongs to (never an employee): the one with an open case,
        else with something to pay, else the first."""
        email = email_normalize(email or "")
        if not email:
            return self.env["res.partner"]
        contacts = self.env["res.partner"].search([("email_normalized", "=", email)])
        customers = contacts.filtered(lambda contact: not contact.user_ids.filtered(lambda user: not user.share))
        customers = customers.commercial_partner_id
        if not customers:
            return customers
        with_case = self.env["credit.collection.case"].search(
            [("partner_id", "in", customers.ids), ("stage", "!=", "closed")], limit=1
        )
        if with_case:
            return with_case.partner_id
        owing = customers.filtered(lambda customer: customer.credit > 0)
        return (owing or customers)[:1]

    @api.model
    def _company_of(self, partner, alias, message_dict=None):
        """The company of a reply: the one where the customer has an open case, else the one whose alias
        domain or email domain received it, else the main company."""
        if partner:
            case = self.env["credit.collection.case"].search(
                [("partner_id", "=", partner.id), ("stage", "!=", "closed")], order="id desc", limit=1
            )
            if case:
                return case.company_id
        if alias and alias.alias_domain_id.company_ids:
            return alias.alias_domain_id.company_ids[:1]
        domains = {
            address.rsplit("@", 1)[1]
            for address in email_normalize_all((message_dict or {}).get("recipients") or "")
            if "@" in address
        }
        if domains:
            by_domain = Domain.OR(
                [Domain("alias_domain_id.name", "in", list(domains))]
                + [Domain("email", "=ilike", "%%@%s" % domain) for domain in domains]
            )
            company = self.env["res.company"].search(by_domain, limit=1)
            if company:
                return company
        return self.env.company

    @api.model
    def _email_values(self, msg_dict, info):
        body = html2plaintext(msg_dict.get("body") or "")
        received = fields.Datetime.to_datetime(msg_dict.get("date")) or fields.Datetime.now()
        return {
            "subject": msg_dict.get("subject"),
            "email_from": msg_dict.get("email_from"),
            "received_date": received,
            "message_ref": msg_dict.get("message_id"),
            "body_text": written_text(body)[0] or body,
            "auto_reply": info.get("auto", False),
            "forwarded": info.get("forwarded", False),
        }

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """An email nobody's: kept in the replies to assign, paused nothing."""
        info = msg_dict.pop(REPLY_KEY, None) or {}
        values = self._email_values(msg_dict, info)
        values.update(state="to_assign", company_id=info.get("company_id") or self.env.company.id)
        return self.create(values)

    def message_update(self, msg_dict, update_vals=None):
        msg_dict.pop(REPLY_KEY, None)
        return super().message_update(msg_dict, update_vals=update_vals)

    @api.model
    def _receive(self, case, msg_dict, info):
        """A reply filed on ``case``: read, the collector told, dunning paused unless automatic."""
        values = self._email_values(msg_dict, info)
        values.update(case_id=case.id, partner_id=case.partner_id.id, company_id=case.company_id.id)
        reply = self.create(values)
        action = self.env["credit.collection.action"].browse(info.get("action_id") or [])
        reply._read_proposal(action.move_ids)
        if reply.auto_reply:
            return reply
        reply._pause_dunning()
        collector = case.user_id
        if collector:
            case.message_subscribe(partner_ids=collector.partner_id.ids)
        if reply.proposal and collector:
            reply.activity_id = case.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=reply._in_company_lang()._proposal_summary(),
                note=reply.evidence,
                user_id=collector.id,
            )
        return reply

    def _in_company_lang(self):
        return self.with_context(lang=self.company_id._collection_lang())

    def _read_proposal(self, reminded_moves=None):
        """What the text proposes, to be accepted by the collector; automatic replies propose nothing."""
        self.ensure_one()
        if self.auto_reply:
            return
        reading = read_reply(self.body_text or "", fields.Date.to_date(self.received_date) or fields.Date.today())
        if not reading.kind:
            return
        case = self.case_id
        text = plain(self.body_text or "")
        open_moves = case.move_ids
        named = open_moves.filtered(lambda move: move.name and plain(move.name) in text)
        amount = reading.amount
        if amount is None and reading.kind != "dispute":
            amount = case.amount_overdue or case.amount_due
        values = {
            "proposal": reading.kind,
            "proposal_state": "pending",
            "proposed_date": reading.date,
            "proposed_amount": amount and self.currency_id.round(amount),
            "evidence": reading.evidence,
        }
        if reading.kind == "dispute":
            overdue = open_moves.filtered(
                lambda move: move.invoice_date_due and move.invoice_date_due < fields.Date.to_date(self.received_date)
            )
            values["dispute_reason"] = reading.reason
            reminded = (reminded_moves or self.env["account.move"]) & open_moves
            values["proposed_move_ids"] = [(6, 0, (named or reminded or overdue or open_moves).ids)]
        self.write(values)

    def _pause_dunning(self):
        """Pauses the customer's automated dunning for the days its policy says, from the reply's date."""
        self.ensure_one()
        case = self.case_id
        company = case.company_id
        partner = case.partner_id.with_company(company)
        policy = partner.collection_policy_id or (
            partner.collection_customer_type == "consumer" and company.collection_policy_consumer_id
        )
        days = (policy or company.collection_policy_id).reply_pause_days
        if not days:
            return
        until = fields.Date.to_date(self.received_date) + timedelta(days=days)
        self.pause_until = until
        if case.collection_paused_until and case.collection_paused_until >= until:
            return
        lang_case = case.with_context(lang=company._collection_lang())
        reason = lang_case.env._(
            "reply of %(date)s from %(sender)s",
            date=format_date(lang_case.env, self.received_date),
            sender=self.email_from,
        )
        case.write({"collection_paused_until": until, "collection_pause_reason": reason})
        case._message_log(
            body=lang_case.env._(
                "Customer's reply: automated dunning paused until %(date)s.", date=format_date(lang_case.env, until)
            )
        )

    def _proposal_summary(self):
        labels = dict(self._fields["proposal"]._description_selection(self.env))
        return self.env._("Customer's reply to handle: %s", labels.get(self.proposal))

    # ------------------------------------------------------------------ collector's buttons
    def _check_decider(self):
        """The case's collector (or any collector when the case has none), or a manager."""
        user = self.env.user
        if self.env.su or user.has_group("credit_collection.group_collection_manager"):
            return
        if self.user_id and self.user_id != user:
            raise AccessError(
                self.env._(
                    "Only %(collector)s, the case's collector, or a manager decides on this reply.",
                    collector=self.user_id.name,
                )
            )

    def action_accept(self):
        """Creates what the reply proposes through the engine's own models, as the collector."""
        for reply in self:
            reply._check_decider()
            reply._lock()
            if reply.proposal_state != "pending":
                raise UserError(self.env._("This reply has no proposal waiting to be accepted."))
            if reply.proposal == "dispute":
                created = {"dispute_id": reply._accept_dispute().id}
            else:
                created = {"promise_id": reply._accept_promise().id}
            reply.sudo().write(
                {
                    **created,
                    "proposal_state": "accepted",
                    "decided_by_id": self.env.user.id,
                    "decided_date": fields.Datetime.now(),
                }
            )
            reply._close_activity(self.env._("Accepted"))
        return True

    def _lock(self):
        """Two clicks at once: the second waits for the first and finds the proposal decided."""
        self.env.cr.execute("SELECT id FROM credit_collection_reply WHERE id = %s FOR UPDATE", [self.id])
        self.invalidate_recordset(["proposal_state"])

    def _accept_promise(self):
        if not self.proposed_date:
            raise UserError(self.env._("Enter the date of the promise before accepting it."))
        date = self.proposed_date
        if self.proposal == "payment":
            date = max(date + timedelta(days=TRANSFER_DAYS), fields.Date.context_today(self))
        return self.env["credit.collection.promise"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "case_id": self.case_id.id,
                "amount": self.proposed_amount,
                "promise_date": date,
                "note": self.env._("From the customer's reply: %s", self.evidence or self.subject or ""),
            }
        )

    def _accept_dispute(self):
        if not self.proposed_move_ids:
            raise UserError(self.env._("Choose the invoices the customer disputes before accepting."))
        return self.env["credit.collection.dispute"].create(
            {
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "case_id": self.case_id.id,
                "move_ids": [(6, 0, self.proposed_move_ids.ids)],
                "reason": self.dispute_reason or "other",
                "description": self.env._("From the customer's reply: %s", self.evidence or self.subject or ""),
            }
        )

    def _close_activity(self, feedback):
        activity = self.sudo().activity_id.exists()
        if activity:
            activity.action_feedback(feedback=feedback)

    def action_reject(self):
        for reply in self:
            reply._check_decider()
            reply._lock()
            if reply.proposal_state != "pending":
                raise UserError(self.env._("This reply has no proposal waiting to be accepted."))
            reply.sudo().write(
                {"proposal_state": "rejected", "decided_by_id": self.env.user.id, "decided_date": fields.Datetime.now()}
            )
            reply._close_activity(self.env._("Discarded"))
            reply.case_id.sudo()._message_log(
                body=self.env._("Proposal of the customer's reply discarded by %s.", self.env.user.name)
            )
        return True

    def action_assign(self):
        """Files a reply of an unknown sender on the case of the customer the collector chose; it is read
        then, but pauses nothing (the collector decides)."""
        self.check_access("write")
        for reply in self.filtered(lambda reply: reply.state == "to_assign"):
            if not reply.partner_id:
                raise UserError(self.env._("Choose the customer this reply comes from."))
            case = self.env["credit.collection.case"]._get_or_open(reply.partner_id, reply.company_id)
            messages = reply.sudo().message_ids.filtered(lambda message: message.message_type == "email")
            messages.attachment_ids.write({"res_model": case._name, "res_id": case.id})
            messages.write({"model": case._name, "res_id": case.id})
            reply.sudo().write({"case_id": case.id, "state": "filed"})
            reply.sudo()._read_proposal()
            case.sudo()._message_log(
                body=self.env._(
                    "Reply of %(sender)s assigned to the case by %(user)s.",
                    sender=reply.email_from,
                    user=self.env.user.name,
                )
            )
        return True

    def action_open_case(self):
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.collection.case",
            "res_id": self.case_id.id,
            "view_mode": "form",
        }
