"""A reminder's state follows its email: sent when the SMTP server accepted it, failed with the reason.

The sending lane that commits a reminder's email delivers it right after that commit; Odoo's mail queue
is the backstop for an email a lane could not deliver (killed, interrupted). Around each one, whoever
sends it:
- before the SMTP transaction, the reminder's items are checked again (a payment may have arrived
  since the email was handed over) and an email already accepted by the server (see below) is not
  sent again;
- the SMTP transaction itself records, on its own committed transaction, that the server is about
  to receive the last byte of the message (the claim, in a table of its own so that it never conflicts
  with the sending transaction): a worker killed between the server's "250 OK" and Odoo's commit
  would otherwise leave the email outgoing and send it a second time;
- after it, the reminder turns sent or failed (invalid address, refused, server unreachable).
"""

import logging
import time
from datetime import timedelta

import psycopg2

from odoo import api, fields, models

from ..tools.transactions import in_test_mode

_logger = logging.getLogger(__name__)

REMINDER_MODEL = "credit.collection.action"
DATA_END = b"\r\n.\r\n"
# Seconds before the mail queue tries again emails it could not move.
RETRY_DELAY = 30
# Seconds during which the mail queue leaves a reminder's new email to the sending lane that committed it
# (below the delay after which the lane's hand-over triggers the queue as a backstop).
LANE_GRACE = 20


class MailMail(models.Model):
    _inherit = "mail.mail"

    def init(self):
        res = super().init()
        self.env.cr.execute("""
            CREATE TABLE IF NOT EXISTS credit_collection_mail_claim (
                mail_id integer PRIMARY KEY,
                claimed_at timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC'))
        """)
        return res

    @api.autovacuum
    def _gc_collection_claims(self):
        self.env.cr.execute(
            "DELETE FROM credit_collection_mail_claim WHERE claimed_at < "
            "(now() AT TIME ZONE 'UTC') - interval '30 days'"
        )

    def _reminder_actions(self):
        known = self.env.context.get("collection_reminder_of_mail")
        if known is not None and all(mail.id in known for mail in self):
            # Found once for the whole batch being sent (see _send).
            return self.env[REMINDER_MODEL].sudo().browse([known[mail.id] for mail in self if known[mail.id]])
        reminder_mails = self.filtered(lambda mail: mail.model == REMINDER_MODEL)
        if not reminder_mails:
            return self.env[REMINDER_MODEL]
        return self.env[REMINDER_MODEL].sudo().search([("mail_id", "in", reminder_mails.ids)])

    # ------------------------------------------------------------------ sending
    def _send(
        self,
        auto_commit=False,
        raise_exception=False,
        smtp_session=None,
        alias_domain_id=False,
        mail_server=False,
        post_send_callback=None,
    ):
        options = {
            "auto_commit": auto_commit,
            "raise_exception": raise_exception,
            "smtp_session": smtp_session,
            "alias_domain_id": alias_domain_id,
            "mail_server": mail_server,
            "post_send_callback": post_send_callback,
        }
        reminders = self.filtered(lambda mail: mail.model == REMINDER_MODEL)
        others = self - reminders
        if others:
            super(MailMail, others)._send(**options)
        deadline = self.env.context.get("collection_deadline")
        if reminders:
            self.env.cr.execute(
                "SELECT mail_id, id FROM credit_collection_action WHERE mail_id = ANY(%s)", [reminders.ids]
            )
            known = dict.fromkeys(reminders.ids, False)
            known.update(self.env.cr.fetchall())
            reminders = reminders.with_context(collection_reminder_of_mail=known)
        for mail in reminders:
            if deadline and time.monotonic() >= deadline:
                break  # the queue's time is up: the rest stays outgoing for its next run
            # Another sender (a second server, a manual send) has it, or it left already: never twice.
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(
                        "SELECT state FROM mail_mail WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED", [mail.id]
                    )
                    row = self.env.cr.fetchone()
            except psycopg2.errors.SerializationFailure:
                row = None  # changed by another sender since this transaction began
            mail.invalidate_recordset(["state"])
            if not row or row[0] != "outgoing":
                continue
            action = mail._reminder_actions()[:1]
            if action and not mail._reminder_still_due(action):
                continue
            claimed = smtp_session is not None and action and not in_test_mode(self.env)
            if claimed:
                smtp_session.send = _ClaimingSend(smtp_session, self.env.registry, mail.id)
            try:
                super(MailMail, mail)._send(**options)
            finally:
                if claimed:
                    del smtp_session.send
        return True

    def _reminder_still_due(self, action):
        """Last look before the SMTP transaction; False when the email must not leave."""
        self.ensure_one()
        self.env.cr.execute("SELECT 1 FROM credit_collection_mail_claim WHERE mail_id = %s", [self.id])
        if self.env.cr.fetchone():
            # The server already has this email: its worker died before recording it as sent.
            _logger.info(
                "mail %s of reminder %s was accepted before an interruption: not sent again", self.id, action.id
            )
            self.write({"state": "sent", "failure_reason": False})
            if action.state == "sending":
                action._delivered()
            return False
        if action.state != "sending":
            # Cancelled (paid, blocked) after it was handed over.
            self.write({"state": "cancel"})
            return False
        action._recheck_items()
        if action.state == "cancelled":
            self.write({"state": "cancel"})
            return False
        return True

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        actions = self._reminder_actions().filtered(lambda action: action.state == "sending")
        for action in actions:
            mail = action.mail_id
            if failure_type and not success_pids and not success_emails:
                mail = mail.with_context(lang=action._note_lang())
                action._fail(mail._reminder_failure_reason(failure_reason, failure_type))
            elif mail.state == "sent":
                action._delivered()
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )

    def _reminder_failure_reason(self, failure_reason, failure_type):
        """What the collector reads on the failed reminder: the address, the server's answer."""
        partner = self.recipient_ids[:1]
        reason = failure_reason or self.failure_reason or ""
        if failure_type in ("mail_email_invalid", "mail_email_missing"):
            return self.env._(
                "The email address of %(customer)s is not valid: %(email)s",
                customer=partner.display_name,
                email=partner.email or "",
            )
        if failure_type in ("mail_from_invalid", "mail_from_missing"):
            return self.env._(
                "The sender address of the email is missing or not valid: %s", reason or self.email_from or ""
            )
        if failure_type == "mail_smtp":
            return self.env._("The mail server could not be reached: %s", reason)
        return self.env._("The mail server refused the email: %s", reason or self.env._("no reason given"))

    # ------------------------------------------------------------------ the mail queue, time-boxed
    @api.model
    def process_email_queue(self, email_ids=(), batch_size=1000):
        """The cron's run sends for a time budget below the cron time limit, then triggers itself again."""
        if email_ids or in_test_mode(self.env):
            return super().process_email_queue(email_ids=email_ids, batch_size=batch_size)
        deadline = self.env[REMINDER_MODEL]._job_deadline()
        self = self.with_context(collection_deadline=deadline)
        previous = None
        while time.monotonic() < deadline:
            batch = self.search(self._due_domain(), limit=50, order="id").ids
            if not batch:
                return True
            if batch == previous:
                # Nothing moved: emails locked by another transaction (a payment cancelling its reminder,
                # another sender) or failing (the errors are in the log). Retried soon, not at the
                # scheduler's next hourly run.
                self.env.ref("mail.ir_cron_mail_scheduler_action")._trigger(
                    fields.Datetime.now() + timedelta(seconds=RETRY_DELAY)
                )
                return True
            previous = batch
            super().process_email_queue(email_ids=batch)
            # A failure Odoo's queue only logged may have left the transaction aborted; what was sent is
            # committed, what was not goes to the next pass.
            self.env.cr.rollback()
            self.env.invalidate_all()
        if self.search_count(self._due_domain(), limit=1):
            self.env.ref("mail.ir_cron_mail_scheduler_action")._collection_trigger()
            self.env["ir.cron"]._commit_progress()
        return True

    @api.model
    def _due_domain(self):
        domain = [
            ("state", "=", "outgoing"),
            "|",
            ("scheduled_date", "=", False),
            ("scheduled_date", "<=", fields.Datetime.now()),
        ]
        if self.env[REMINDER_MODEL]._lanes_deliver_emails():
            # A reminder's email just handed over is the lane's to deliver; the queue is its backstop.
            grace = fields.Datetime.now() - timedelta(seconds=LANE_GRACE)
            domain += ["|", ("model", "!=", REMINDER_MODEL), ("create_date", "<=", grace)]
        return domain


class _ClaimingSend:
    """Stands for the SMTP session's ``send`` while one reminder is transmitted: the message body is
    written, the claim committed, then the terminating dot that makes the server accept it."""

    def __init__(self, session, registry, mail_id):
        self.original = type(session).send.__get__(session)
        self.registry, self.mail_id = registry, mail_id

    def __call__(self, data):
        if not isinstance(data, bytes) or not data.endswith(DATA_END):
            return self.original(data)
        self.original(data[:-3])
        with self.registry.cursor() as cr:
            cr.execute(
                "INSERT INTO credit_collection_mail_claim (mail_id) VALUES (%s) ON CONFLICT DO NOTHING", [self.mail_id]
            )
        return self.original(data[-3:])
