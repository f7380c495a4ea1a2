"""The sending queue: reminders are rendered, handed to delivery and committed one small batch at a time.

Any number of cron jobs ("sending lanes", on one server or several) share the queue: each batch is
picked with FOR UPDATE SKIP LOCKED, so no two workers take the same reminder, and nothing of the
ledger is locked while documents render. A job works for a time budget well below the cron time
limit, then triggers the lanes again. External effects (SMTP, SMS gateway) only happen after the
commit that records them; a job killed at any point loses at most its current batch, which the next
job redoes without sending anything twice.
"""

import logging
import math
import re
import threading
import time
from datetime import timedelta

import psycopg2
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config, email_split, format_date, is_html_empty

from ..tools.transactions import in_test_mode, is_transient, shorten

_logger = logging.getLogger(__name__)

SEND_CRON_CODE = "model._cron_send_queued()"
# One @, something before it, a dotted domain after it; non-ASCII is fine (SMTPUTF8).
ADDRESS = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
BATCH_SIZE = 4
# Seconds after an email is handed over before the mail queue, the backstop, looks for it if the lane that
# committed it did not deliver it (killed, out of time); the mail queue leaves younger ones to the lanes.
BACKSTOP_DELAY = 30
# The longest a cron worker process sleeps between two runs of jobs (Odoo: 60 s + up to 9 s of jitter).
CRON_SLEEP = 70


# Not merged with the other extension of credit.collection.action: the sending queue, apart from what a reminder is.
class CreditCollectionAction(models.Model):
    _inherit = "credit.collection.action"  # pylint: disable=consider-merging-classes-inherited

    sms_number = fields.Char("SMS number", readonly=True)
    sms_text = fields.Text("SMS text", readonly=True)

    # ------------------------------------------------------------------ triggering
    @api.model
    def _send_lanes(self):
        """The cron jobs that work the queue; an administrator adds one by duplicating it."""
        return (
            self.env["ir.cron"]
            .sudo()
            .search([("model_id.model", "=", self._name), ("code", "=", SEND_CRON_CODE), ("active", "=", True)])
        )

    @api.model
    def _trigger_sending(self, count=None):
        """Wakes as many lanes as the work needs, at once (an ir.cron trigger, not a schedule)."""
        lanes = self._send_lanes()
        if count is not None:
            lanes = lanes[: max(1, math.ceil(count / BATCH_SIZE))]
        lanes._collection_trigger()

    @api.model
    def _job_deadline(self):
        """When a background job stops taking new work (time.monotonic()).

        Odoo stops a cron worker past the cron time limit, counted for all the jobs it runs in a row (the
        lanes, the mail queue, the planning may all fall on one worker): a job works for a fraction of the
        limit, then triggers its successor. A one-process server counts from the start of the thread's
        run of jobs (known); a cron worker process also counts the sleep before its jobs (up to 70 s).
        """
        limit = config["limit_time_real_cron"]
        if not limit or limit < 0:
            limit = config["limit_time_real"]
        budget = float(self.env["ir.config_parameter"].sudo().get_param("credit_collection.job_time_budget", 60))
        if limit and limit > 0:
            started = getattr(threading.current_thread(), "start_time", None)
            if started:
                budget = min(budget, limit / 4, limit / 2 - (time.time() - started))
            else:
                budget = max(1.0, min(budget, (limit - CRON_SLEEP) / (len(self._send_lanes()) + 4)))
        return time.monotonic() + budget

    # ------------------------------------------------------------------ the lanes
    @api.model
    def _cron_send_queued(self):
        """One lane: batches until the queue is empty or the time is up, then wakes the lanes for the rest."""
        deadline = self._job_deadline()
        while time.monotonic() < deadline:
            if not self._send_batch(deadline=deadline):
                return True
        self.env.flush_all()
        self.env.cr.execute("""
            SELECT count(*) FROM credit_collection_action
             WHERE state = 'queued' OR (state = 'sending' AND delivery_reference IS NOT NULL)
        """)
        left = self.env.cr.fetchone()[0]
        if left:
            self._trigger_sending(left)
            self._commit()
        return True

    def _process_queue(self):
        """Everything the lanes would do, in the caller's transaction, for these reminders only (tests)."""
        while self._send_batch(only=self):
            pass

    def _commit(self):
        if not in_test_mode(self.env):
            self.env["ir.cron"]._commit_progress()

    def _fresh_snapshot(self):
        """Ends the transaction before picking work: Odoo's transactions are REPEATABLE READ, and a row
        locked with FOR UPDATE must not have changed since the snapshot, which is taken at the first query.
        A row another worker commits during the pick still fails it: the picks don't log that failure
        (``log_exceptions=False``), it is the expected "try again" ``_retry_later`` handles."""
        self.env.flush_all()
        self._commit()

    def _retry_later(self, error, what):
        """A deadlock, a serialization failure: the database's "try again". The work goes back to the queue
        untouched and nothing is reported as a failure; another pass takes it."""
        if in_test_mode(self.env):
            raise error
        _logger.info("collection sending: %s on %s, back to the queue", type(error).__name__, what)
        self.env.cr.rollback()
        self.env.invalidate_all()

    @api.model
    def _send_batch(self, only=None, deadline=None):
        """Hands one batch of queued reminders to delivery; returns how many reminders it handled."""
        handled = self._post_pending_deliveries(only, deadline)
        self._fresh_snapshot()
        try:
            self.env.cr.execute(
                """
                SELECT id FROM credit_collection_action WHERE state = 'queued' AND (%s OR id = ANY(%s))
                 ORDER BY id LIMIT %s FOR NO KEY UPDATE SKIP LOCKED
            """,
                [only is None, only.ids if only is not None else [], BATCH_SIZE],
                log_exceptions=False,
            )
            ids = [row[0] for row in self.env.cr.fetchall()]
            if not ids:
                return handled
            self.sudo().browse(ids)._hand_over(deadline)
        except Exception as error:
            if not is_transient(error):
                raise
            self._retry_later(error, "a batch")
            return handled + 1
        self._commit()
        self._deliver_emails(ids)
        return handled + len(ids) + self._post_pending_deliveries(only, deadline)

    @api.model
    def _lanes_deliver_emails(self):
        """Whether a lane delivers the emails it has just committed (the default), or leaves them to Odoo's
        mail queue (``credit_collection.lane_delivery`` set to 0, e.g. to let the queue throttle an outgoing
        server). Never in Odoo's tests, which run in one transaction that is never committed."""
        if in_test_mode(self.env):
            return False
        return self.env["ir.config_parameter"].sudo().get_param("credit_collection.lane_delivery", "1") not in (
            "0",
            "False",
            "false",
        )

    @api.model
    def _deliver_emails(self, action_ids):
        """Delivers the emails of these reminders, committed just before, over one SMTP connection.

        The external effect comes after the commit that records the email: a lane killed before or during
        the delivery leaves the email outgoing, and the mail queue (triggered as a backstop when the email
        was handed over) delivers it later. ``mail.mail._send`` locks each email and checks its claim, so
        an email is never sent twice whoever sends it.
        """
        if not self._lanes_deliver_emails():
            return
        self.env.cr.execute(
            """
            SELECT mail_id FROM credit_collection_action
             WHERE id = ANY(%s) AND channel = 'email' AND state = 'sending' AND mail_id IS NOT NULL
        """,
            [list(action_ids)],
        )
        mail_ids = [row[0] for row in self.env.cr.fetchall()]
        if not mail_ids:
            return
        try:
            self.env["mail.mail"].sudo().browse(mail_ids).send(auto_commit=True)
        except Exception:  # noqa: BLE001 - the backstop delivers what is left outgoing
            _logger.warning("collection sending: the lane could not deliver mails %s", mail_ids, exc_info=True)
            self.env.cr.rollback()
        self.env.invalidate_all()

    def _hand_over(self, deadline=None):
        """Renders the batch and hands each reminder to its channel, each in its own savepoint.

        What the engine writes for people (reasons, notes, call tasks) is in the language of the
        collector who approved or follows the reminder; what the customer receives, in the customer's.
        The system's own state changes are not tracked: the delivery and failure notes say what happened.
        """
        self = self.with_context(tracking_disable=True)
        for lang, actions in self.grouped(lambda action: action._note_lang()).items():
            actions.with_context(lang=lang)._recheck_items()
        queued = self.filtered(lambda action: action.state == "queued")
        if queued.filtered(lambda action: action.channel == "email"):
            mail_queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
            if self._lanes_deliver_emails():
                mail_queue._trigger(fields.Datetime.now() + timedelta(seconds=BACKSTOP_DELAY))
            else:
                mail_queue._collection_trigger()
        if queued.filtered(lambda action: action.channel == "sms" and action._sms_through_odoo()):
            self.env.ref("sms.ir_cron_sms_scheduler_action")._collection_trigger()
        queued._prepare_statements()
        # The documents, one reminder at a time: the slow part, checked against the deadline.
        documents = {}
        for action in queued:
            if deadline and time.monotonic() >= deadline:
                break  # out of time: the rest of the batch stays queued and is unlocked at the commit
            documents[action] = action._in_note_lang()._isolated(lambda action: action._prepare_documents())
        started = self.browse([action.id for action, docs in documents.items() if docs is not False])
        if any(documents.values()):
            started._recheck_items()  # payments committed while the documents rendered
        started = started.filtered(lambda action: action.state == "queued")
        emails = started.filtered(lambda action: action.channel == "email")._render_emails()
        for action in started:
            action._in_note_lang()._isolated(lambda action: action._deliver_to_channel(documents[action], emails))

    def _isolated(self, step):
        """Runs ``step(self)`` in a savepoint; a failure is this reminder's (returns False), reported on it,
        unless the database says to try again later (the batch is then retried)."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                return step(self)
        except Exception as error:  # noqa: BLE001 - any failure but a transient one is this reminder's
            if is_transient(error):
                raise
            _logger.info("collection action %s failed", self.id, exc_info=True)
            self.env.invalidate_all()
            self._fail(self._failure_reason(error))
            return False

    def _prepare_documents(self):
        self._check_recipient()
        return self._render_documents()

    def _deliver_to_channel(self, documents, emails):
        getattr(self, "_hand_over_%s" % self.channel)(documents or self.env["ir.attachment"], emails.get(self.id))
        self._record_issue()
        if self.channel in ("letter", "phone"):
            # Nothing leaves the house: the letter is in the day's print batch, the call in the collector's tasks.
            self._delivered()
        return True

    # ------------------------------------------------------------------ channels
    def _check_recipient(self):
        partner = self.partner_id
        if self.channel == "email":
            if not partner.email:
                raise UserError(self.env._("%s has no email address.", partner.display_name))
            addresses = email_split(partner.email)
            if not addresses or not all(ADDRESS.fullmatch(address) for address in addresses):
                raise UserError(
                    self.env._(
                        "The email address of %(customer)s is not valid: %(email)s",
                        customer=partner.display_name,
                        email=partner.email,
                    )
                )
        elif self.channel == "sms" and not partner.phone:
            raise UserError(self.env._("%s has no phone number.", partner.display_name))
        elif self.channel == "letter" and not (partner.street and (partner.zip or partner.city)):
            raise UserError(self.env._("%s has no postal address: the letter cannot be posted.", partner.display_name))

    def _render_documents(self):
        """The PDFs this reminder carries: the letter of a letter; for an email, what its level asks for."""
        level = self.level_id
        documents = self.env["ir.attachment"]
        if self.channel == "letter" or (self.channel == "email" and level.email_attach_letter):
            documents |= self._render_pdf(self._letter_attachment, self.env._("the letter"))
        if self.channel == "email" and level.email_attach_statement:
            documents |= self._render_pdf(self._statement_attachment, self.env._("the statement"))
        return documents

    def _render_pdf(self, render, what):
        try:
            return render()
        except UserError:
            raise
        except Exception as error:
            if is_transient(error):
                raise  # the database's "try again": the batch goes back to the queue
            raise UserError(
                self.env._(
                    "%(document)s could not be rendered: %(cause)s", document=what, cause=self._root_cause(error)
                )
            ) from error

    def _render_emails(self):
        """The emails of these reminders, rendered per template in one pass (a template compiles once):
        {action id: mail values, or the exception that prevented them}."""
        rendered = {}
        for template, actions in self.grouped(lambda action: action.level_id.email_template_id).items():
            if not template:
                continue
            try:
                with self.env.cr.savepoint(flush=False):
                    rendered.update(actions._render_email_values(template))
            except Exception as error:  # noqa: BLE001 - rendered one by one to tell which one fails
                if is_transient(error) or len(actions) == 1:
                    if is_transient(error):
                        raise
                    rendered[actions.id] = error
                    continue
                for action in actions:
                    try:
                        with self.env.cr.savepoint(flush=False):
                            rendered.update(action._render_email_values(template))
                    except Exception as single_error:  # noqa: BLE001
                        if is_transient(single_error):
                            raise
                        rendered[action.id] = single_error
        return rendered

    def _render_email_values(self, template):
        """What ``mail.template.send_mail`` renders, for many records at once, in our layout."""
        values = template._generate_template(
            self.ids,
            (
                "attachment_ids",
                "auto_delete",
                "body_html",
                "email_cc",
                "email_from",
                "email_to",
                "mail_server_id",
                "model",
                "partner_to",
                "reply_to",
                "report_template_ids",
                "res_id",
                "scheduled_date",
                "subject",
            ),
        )
        langs = template._render_lang(self.ids) if template.lang else {}
        for action in self:
            body = values[action.id].get("body_html")
            if body:
                values[action.id]["body_html"] = action._in_layout(body, langs.get(action.id))
        return values

    def _in_layout(self, body, lang):
        """The body in the reminder's email layout, rendered in the customer's language."""
        model = self.env["ir.model"]._get(self._name)
        if lang:
            model = model.with_context(lang=lang)
        layout = model.env["ir.qweb"]._render(
            "credit_collection.mail_layout_reminder",
            {
                "message": self.env["mail.message"].sudo().new({"body": body, "record_name": self.display_name}),
                "record": self,
                "company": self.company_id,
                "model_description": model.display_name,
                "record_name": False,
                "subtitles": False,
                "email_add_signature": False,
                "signature": "",
                "website_url": "",
                "subtype": self.env["mail.message.subtype"].sudo(),
                "is_html_empty": is_html_empty,
            },
            minimal_qcontext=True,
        )
        return self.env["mail.render.mixin"]._replace_local_links(layout)

    def _hand_over_email(self, documents, values):
        template = self.level_id.email_template_id
        if not template:
            raise UserError(self.env._("Level %s has no email template.", self.level_id.name))
        if isinstance(values, Exception) or values is None:
            raise UserError(
                self.env._(
                    "The email template «%(template)s» could not be rendered: %(cause)s",
                    template=template.name,
                    cause=self._root_cause(values or UserError("?")),
                )
            )
        values = dict(values)
        values.pop("partner_ids", None)
        values["recipient_ids"] = [(6, 0, self.partner_id.ids)]
        values["attachment_ids"] = [(4, attachment_id) for attachment_id in values.get("attachment_ids", [])]
        values["attachment_ids"] += [(4, document.id) for document in documents]
        reports = values.pop("attachments", [])
        if not values.get("email_from"):
            values.pop("email_from", None)
        mail = self.env["mail.mail"].sudo().create(values)
        if reports:
            mail.attachment_ids = [
                (
                    4,
                    self.env["ir.attachment"]
                    .create(
                        {
                            "name": name,
                            "datas": content,
                            "type": "binary",
                            "res_model": "mail.message",
                            "res_id": mail.mail_message_id.id,
                        }
                    )
                    .id,
                )
                for name, content in reports
            ]
        self.write({"mail_id": mail.id, "body": mail.body_html, "state": "sending"})

    def _hand_over_sms(self, documents, _values=None):
        template = self.level_id.sms_template_id
        if not template:
            raise UserError(self.env._("Level %s has no SMS template.", self.level_id.name))
        try:
            text = template._render_field("body", self.ids, compute_lang=True)[self.id]
        except Exception as error:
            if is_transient(error):
                raise  # the database's "try again": the batch goes back to the queue
            raise UserError(
                self.env._(
                    "The SMS template «%(template)s» could not be rendered: %(cause)s",
                    template=template.name,
                    cause=self._root_cause(error),
                )
            ) from error
        number = self.partner_id.phone
        values = {"state": "sending", "sms_number": number, "sms_text": text, "body": Markup("<p>%s</p>") % text}
        values.update(self._sms_delivery_values(number, text))
        self.write(values)

    def _sms_through_odoo(self):
        """Whether this SMS reminder goes through Odoo's own SMS queue (sms.sms); an add-on that delivers SMS
        through another service says no for the reminders it takes."""
        self.ensure_one()
        return True

    def _sms_delivery_values(self, number, text):
        """How the SMS leaves, as values written on the reminder. Here: Odoo's own SMS queue sends it after this
        commit; its state comes back through sms.sms. An add-on that posts it itself after the commit returns a
        ``delivery_reference`` instead (see ``_post_delivery``)."""
        self.ensure_one()
        return {
            "sms_id": self.env["sms.sms"]
            .sudo()
            .create({"number": number, "body": text, "partner_id": self.partner_id.id})
            .id
        }

    def _hand_over_letter(self, documents, _values=None):
        self.write(
            {"body": Markup("<p>%s</p>") % self.env._("Letter in the print batch of the day."), "state": "sending"}
        )

    def _hand_over_phone(self, documents, _values=None):
        self._in_note_lang()._schedule_call()
        self.write({"state": "sending"})

    def _schedule_call(self):
        """The call task, in the collector's language: the items, the amount and the level's script."""
        lines = self.line_ids.filtered(lambda line: line.state == "planned")
        items = Markup("").join(
            Markup("<li>%s - %s - %s</li>")
            % (line.move_id.name, format_date(self.env, line.date_maturity), self._format_amount(line.amount_residual))
            for line in lines
        )
        note = Markup("<p>%s</p><ul>%s</ul>%s") % (
            self.env._(
                "Call %(customer)s about %(amount)s overdue.",
                customer=self.partner_id.display_name,
                amount=self._format_amount(self.amount_due),
            ),
            items,
            self.level_id.call_script or "",
        )
        self.partner_id.activity_schedule(
            "mail.mail_activity_data_call",
            date_deadline=self.date,
            summary=self.env._("Collection call: %s", self.level_id.name),
            note=note,
            user_id=(self.user_id or self.approved_by_id or self.env.user).id,
        )
        self.body = note

    # ------------------------------------------------------------------ external services, after the commit
    @api.model
    def _post_pending_deliveries(self, only=None, deadline=None):
        """Posts the reminders committed with a delivery reference, one at a time, holding only that
        reminder's row (``_post_delivery`` does the post).

        A reminder still 'sending' whose worker died is picked again and re-posted with the same
        reference: the service knows it and does not deliver it twice.
        """
        posted = 0
        while not deadline or time.monotonic() < deadline:
            self._fresh_snapshot()
            try:
                self.env.cr.execute(
                    """
                    SELECT id FROM credit_collection_action
                     WHERE state = 'sending' AND delivery_reference IS NOT NULL
                       AND (%s OR id = ANY(%s))
                     ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED
                """,
                    [only is None, only.ids if only is not None else []],
                    log_exceptions=False,
                )
                row = self.env.cr.fetchone()
                if not row:
                    return posted
                self.sudo().browse(row[0])._in_note_lang()._post_delivery()
                self._commit()
            except Exception as error:
                if not is_transient(error):
                    raise
                self._retry_later(error, "a delivery")
            posted += 1
        return posted

    def _post_delivery(self):
        """Posts one reminder committed with a delivery reference to the service of its channel, then records
        the outcome (``_delivered`` or ``_fail``). Overridden by the add-on whose service set the reference;
        none here: the reminder fails with a reason the collector can act on."""
        self.ensure_one()
        self._fail(self.env._("No service is configured any more to send this reminder for %s.", self.company_id.name))

    # ------------------------------------------------------------------ outcomes
    def _delivered(self):
        self = self.with_context(tracking_disable=True)
        for action in self:
            action.write(
                {
                    "state": "sent",
                    "sent_date": fields.Datetime.now(),
                    "error_message": False,
                    "sent_by_id": (action.approved_by_id or action.run_id.create_uid or self.env.user).id,
                }
            )
        self._log_delivery()

    def _fail(self, reason, uncertain=False):
        """Failed, with a reason the collector can act on; the reminder shows in the default views."""
        self = self.with_context(tracking_disable=True)
        values = {"state": "failed", "error_message": reason}
        if not uncertain:
            # The next attempt is a new message: the gateway must not take it for this refused one.
            values["delivery_reference"] = False
        self.write(values)
        for action in self:
            if action.run_id:
                action.run_id._log_message("error", reason, action.partner_id, action.move_ids, action)
        self._log_failure()

    def _reset_delivery(self):
        """A new attempt after a failure: a new email, a fresh letter; the SMS keeps a reference whose
        fate is unknown, so that the gateway recognises it."""
        for action in self:
            if action.channel == "letter" and action.letter_attachment_id:
                action.letter_attachment_id = False

    @api.model
    def _root_cause(self, error):
        """What went wrong, not where: Odoo wraps template errors with the whole template source."""
        root = error
        while root.__cause__ is not None or (root.__context__ is not None and not root.__suppress_context__):
            root = root.__cause__ if root.__cause__ is not None else root.__context__
        if isinstance(root, UserError):
            return shorten(root.args[0] if root.args else str(root), 300)
        return shorten("%s: %s" % (type(root).__name__, root), 300)

    @api.model
    def _failure_reason(self, error):
        if isinstance(error, UserError) and error.__cause__ is None:
            return error.args[0] if error.args else str(error)
        if isinstance(error, UserError):
            return error.args[0]
        if isinstance(error, psycopg2.Error):
            return self.env._("Database error (%s): the reminder can be retried.", error.pgcode or type(error).__name__)
        return self._root_cause(error)

    # ------------------------------------------------------------------ re-checks
    def _recheck_items(self):
        """Drops the items paid, reconciled or blocked since planning; cancels actions left empty."""
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model(["collection_blocked", "collection_hold"])
        self.env["res.partner"].flush_model(["collection_blocked"])
        self.env["credit.collection.action.line"].flush_model()
        self.env.cr.execute(
            """
            SELECT al.id,
                   CASE WHEN aml.reconciled OR aml.amount_residual <= 0 THEN 'paid'
                        WHEN aml.no_followup OR m.collection_blocked OR p.collection_blocked
                             OR m.collection_hold IS NOT NULL THEN 'blocked'
                   END
              FROM credit_collection_action_line al
              JOIN account_move_line aml ON aml.id = al.move_line_id
              JOIN account_move m ON m.id = aml.move_id
              JOIN res_partner p ON p.id = m.commercial_partner_id
             WHERE al.action_id IN %s AND al.state != 'cancelled'
               AND (aml.reconciled OR aml.amount_residual <= 0 OR aml.no_followup
                    OR m.collection_blocked OR p.collection_blocked OR m.collection_hold IS NOT NULL)
        """,
            [tuple(self.ids)],
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return
        paid, blocked = self.env._("paid since planning"), self.env._("dunning blocked since planning")
        reasons = {paid: [], blocked: []}
        for line_id, why in rows:
            reasons[paid if why == "paid" else blocked].append(line_id)
        for reason, line_ids in reasons.items():
            self.env["credit.collection.action.line"].browse(line_ids).write(
                {"state": "cancelled", "cancel_reason": reason}
            )
        for action in self:
            if all(line.state == "cancelled" for line in action.line_ids):
                action._cancel(action.line_ids[:1].cancel_reason or self.env._("nothing left to remind"))

    def _cancel_outgoing_email(self, paid_lines, reason):
        """Emails handed over but not yet sent whose every item is now paid: the mail is withdrawn."""
        for action in self.filtered(lambda action: action.state == "sending" and action.mail_id):
            lines = action.line_ids.filtered(lambda line: line.state != "cancelled")
            if not lines or not all(line.move_line_id in paid_lines or line.move_line_id.reconciled for line in lines):
                continue
            self.env.cr.execute(
                """
                SELECT id FROM mail_mail WHERE id = %s AND state = 'outgoing' FOR NO KEY UPDATE SKIP LOCKED
            """,
                [action.mail_id.id],
            )
            if self.env.cr.fetchone():
                action.mail_id.write({"state": "cancel"})
                lines.write({"state": "cancelled", "cancel_reason": reason})
                action.write({"state": "cancelled", "cancel_reason": reason})

    def _message_receive_bounce(self, email, partner):
        """A bounce that comes back after the mail server accepted the email: the reminder did not arrive."""
        for action in self.filtered(lambda action: action.channel == "email" and action.state in ("sending", "sent")):
            action._fail(self.env._("The email to %s bounced: the address does not receive mail.", email))
        return super()._message_receive_bounce(email, partner)
