import logging
import time
from collections import defaultdict
from datetime import timedelta

from psycopg2.extras import Json, execute_values

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date, formatLang

from ..tools.transactions import in_test_mode, is_transient, shorten
from .credit_collection_legal_rate import MissingLegalRate

_logger = logging.getLogger(__name__)

# Advisory lock namespace of collection runs: one planning at a time per company.
RUN_LOCK_KEY = 774411


class PlanningBusy(UserError):
    """Another run is planning for the same company: this one waits for its turn."""


class CreditCollectionRun(models.Model):
    _name = "credit.collection.run"
    _inherit = ["mail.thread"]
    _description = "Collection run"
    _order = "date desc, id desc"
    _rec_names_search = ["company_id"]

    name = fields.Char(compute="_compute_name")  # not stored: the date in the reader's language
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    state = fields.Selection(
        [("draft", "Draft"), ("queued", "Planning"), ("done", "Planned"), ("failed", "Failed")],
        default="draft",
        required=True,
        tracking=True,
        help="Planning runs in the background; the reminders of a planned run are then sent by the sending "
        "queue, their progress shows in the counts.",
    )
    daily = fields.Boolean("Daily run", readonly=True, help="Started by the daily job: one per company and day.")
    failure_reason = fields.Text(readonly=True)
    action_ids = fields.One2many("credit.collection.action", "run_id")
    message_ids_report = fields.One2many("credit.collection.run.message", "run_id", "Skipped and errors")
    duration = fields.Float("Planning time (s)", readonly=True)
    planned_items = fields.Integer(readonly=True)
    action_count = fields.Integer(compute="_compute_counts")
    to_review_count = fields.Integer(compute="_compute_counts")
    queued_count = fields.Integer("To send", compute="_compute_counts")
    sending_count = fields.Integer("Being delivered", compute="_compute_counts")
    sent_count = fields.Integer(compute="_compute_counts")
    failed_count = fields.Integer(compute="_compute_counts")
    cancelled_count = fields.Integer("Cancelled", compute="_compute_counts")
    skipped_count = fields.Integer(compute="_compute_counts")
    progress = fields.Float(
        "Delivered (%)",
        compute="_compute_counts",
        help="Share of the approved reminders whose delivery is over (sent, failed or cancelled).",
    )
    amount_planned = fields.Monetary(compute="_compute_counts", currency_field="currency_id")
    report_html = fields.Html("Report", compute="_compute_report_html")

    @api.depends("date", "company_id")
    @api.depends_context("lang")
    def _compute_name(self):
        for run in self:
            run.name = self.env._(
                "Run of %(date)s - %(company)s", date=format_date(self.env, run.date), company=run.company_id.name
            )

    def _compute_counts(self):
        counts = defaultdict(lambda: defaultdict(int))
        amounts = defaultdict(float)
        for run, state, count, amount in self.env["credit.collection.action"]._read_group(
            [("run_id", "in", self.ids)], ["run_id", "state"], ["__count", "amount_due:sum"]
        ):
            counts[run.id][state] = count
            amounts[run.id] += amount
        skipped = dict(
            self.env["credit.collection.run.message"]._read_group(
                [("run_id", "in", self.ids), ("kind", "=", "skipped")], ["run_id"], ["__count"]
            )
        )
        for run in self:
            by_state = counts[run.id]
            run.action_count = sum(by_state.values())
            run.to_review_count = by_state["to_review"]
            run.queued_count = by_state["queued"]
            run.sending_count = by_state["sending"]
            run.sent_count = by_state["sent"]
            run.failed_count = by_state["failed"]
            run.cancelled_count = by_state["cancelled"]
            run.skipped_count = skipped.get(run, 0)
            run.amount_planned = amounts[run.id]
            approved = run.action_count - run.to_review_count
            over = run.sent_count + run.failed_count + run.cancelled_count
            run.progress = 100.0 * over / approved if approved else 0.0

    def _compute_report_html(self):
        """Counts by level, channel and state, and the reasons of what was skipped or failed, rendered by
        QWeb: every name and reason is escaped (a customer's name is user input)."""
        action_model = self.env["credit.collection.action"]
        channels = dict(action_model._fields["channel"]._description_selection(self.env))
        states = dict(action_model._fields["state"]._description_selection(self.env))
        kinds = dict(self.env["credit.collection.run.message"]._fields["kind"]._description_selection(self.env))
        for run in self:
            rows = [
                {
                    "level": level.name,
                    "channel": channels.get(channel),
                    "state": states.get(state),
                    "count": count,
                    "amount": formatLang(self.env, amount, currency_obj=run.currency_id),
                }
                for level, channel, state, count, amount in run._report_rows()
            ]
            reasons = defaultdict(int)
            for message in run.message_ids_report:
                reasons[(kinds.get(message.kind), message.reason)] += 1
            run.report_html = self.env["ir.qweb"]._render(
                "credit_collection.run_report",
                {
                    "rows": rows,
                    "reasons": [
                        {"kind": kind, "reason": reason, "count": count}
                        for (kind, reason), count in sorted(reasons.items(), key=lambda item: -item[1])
                    ],
                },
            )

    def _report_rows(self):
        """Counts and amounts by level and channel, one read_group."""
        self.ensure_one()
        return self.env["credit.collection.action"]._read_group(
            [("run_id", "=", self.id)], ["level_id", "channel", "state"], ["__count", "amount_due:sum"]
        )

    # ------------------------------------------------------------------ entry points
    @api.model
    def _cron_daily_run(self):
        """Today's run of each company, created once: a retried job finds it instead of adding an empty one."""
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([("collection_policy_id", "!=", False)]):
            run = self.search([("company_id", "=", company.id), ("date", "=", today), ("daily", "=", True)], limit=1)
            if run and run.state != "draft":
                continue
            # Promises and plans first: one broken yesterday lets today's run remind its invoices.
            # In the company's language: a scheduled action has none, its notes would be half English.
            in_company = self.with_company(company).with_context(lang=company._collection_lang())
            in_company.env["credit.collection.promise"]._cron_evaluate(company)
            in_company.env["credit.collection.payment.plan"]._cron_evaluate(company)
            run = run or in_company.create({"company_id": company.id, "date": today, "daily": True})
            run.state = "queued"
            self._commit()
        self._trigger_planning()

    def action_run(self):
        """Run now: planning and sending go to the background; the run shows their progress."""
        self.check_access("write")  # a manager's act: checked before saying whether it can be done
        started = self.filtered(lambda run: run.state != "draft")
        if started:
            raise UserError(
                self.env._(
                    "%s has already been started: create a new run to plan again.", ", ".join(started.mapped("name"))
                )
            )
        self.write({"state": "queued", "failure_reason": False})
        self._trigger_planning()
        return self._notification(
            self.env._("Run started"),
            self.env._("Planning and sending run in the background: the counts on the run follow their progress."),
        )

    def action_send_queued(self):
        """Wakes the sending queue for this run's reminders to send (they are also sent without it)."""
        queued = self.action_ids.filtered(lambda action: action.state == "queued")
        if queued:
            queued._trigger_sending(len(queued))
        return self._notification(
            self.env._("Sending"), self.env._("%s reminder(s) to send are in the sending queue.", len(queued))
        )

    def _notification(self, title, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": title,
                "message": message,
                "type": "info",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _commit(self):
        if not in_test_mode(self.env):
            self.env["ir.cron"]._commit_progress()

    @api.model
    def _trigger_planning(self):
        self.env.ref("credit_collection.ir_cron_plan_runs").sudo()._collection_trigger()

    @api.model
    def _cron_plan_runs(self):
        """Plans the runs waiting, one transaction each, within the job's time budget; then wakes the
        sending lanes. A run whose company is being planned by another worker waits for the next turn."""
        deadline = self.env["credit.collection.action"]._job_deadline()
        busy = []
        Action = self.env["credit.collection.action"]
        while time.monotonic() < deadline:
            Action._fresh_snapshot()
            try:
                self.env.cr.execute(
                    """
                    SELECT id FROM credit_collection_run WHERE state = 'queued' AND NOT (id = ANY(%s))
                     ORDER BY id LIMIT 1 FOR NO KEY UPDATE SKIP LOCKED
                """,
                    [busy],
                    log_exceptions=False,
                )
                row = self.env.cr.fetchone()
                if not row:
                    break
                run = self.browse(row[0])
                if not run._plan_in_background():
                    busy.append(run.id)
                self._commit()
            except Exception as error:
                if not is_transient(error):
                    raise
                Action._retry_later(error, "a run")
        else:
            self._trigger_planning()
        if busy:
            self.env.ref("credit_collection.ir_cron_plan_runs").sudo()._trigger(
                fields.Datetime.now() + timedelta(seconds=30)
            )
        self.env.cr.execute("SELECT count(*) FROM credit_collection_action WHERE state = 'queued'")
        queued = self.env.cr.fetchone()[0]
        if queued:
            self.env["credit.collection.action"]._trigger_sending(queued)
        return True

    def _plan_in_background(self):
        """Plans one queued run; False when another planning of its company holds the lock."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._plan()
        except PlanningBusy:
            return False
        except Exception as error:  # noqa: BLE001 - reported on the run, the other runs go on
            _logger.exception("collection run %s failed", self.id)
            self.env.invalidate_all()
            self.write(
                {"state": "failed", "failure_reason": self.env["credit.collection.action"]._failure_reason(error)}
            )
        return True

    # ------------------------------------------------------------------ letters to print
    def action_print_letters(self):
        """Today's letters of the run's company, whatever run planned them, in one PDF."""
        self.ensure_one()
        return (
            self.env["credit.collection.action"]
            .with_company(self.company_id)
            ._print_letters_of_day(self.company_id, fields.Date.context_today(self))
        )

    def action_open_actions(self):
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_actions")
        action["domain"] = [("run_id", "in", self.ids)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------ planning
    def _plan(self):
        """Selects what is due at ``date`` and creates the actions, in one transaction."""
        self.ensure_one()
        start = time.time()
        cr = self.env.cr
        cr.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [RUN_LOCK_KEY, self.company_id.id])
        if not cr.fetchone()[0]:
            raise PlanningBusy(
                self.env._(
                    "Another collection run is planning for %s: try again when it is done.", self.company_id.name
                )
            )
        self.env.flush_all()
        self._assign_customer_policies()
        rows = self._select_due_items()
        planned = self._create_actions(rows)
        self.write({"state": "done", "duration": time.time() - start, "planned_items": planned})
        _logger.info("collection run %s: %s items planned in %.2fs", self.id, planned, time.time() - start)

    def _assign_customer_policies(self):
        """Which policy the customers of the run's company get, decided before the selection reads it.

        The engine leaves each customer its own policy (else the invoice's, else the company's default,
        see ``_due_items_policy_sql``); an add-on that chooses policies (segmentation rules) writes them
        here, with ``super()``.
        """
        self.ensure_one()

    def _select_due_items(self):
        """Due items that reached a new level of their policy, in one query.

        Policy: the invoice's override, else the customer's (company-dependent: a JSONB column keyed by
        company id), else the company's; a consumer only gets consumer policies (its own, its invoice's,
        else the company's consumer policy) and falls back to the company's default policy when there is none.
        The level is the latest one whose delay has passed, skipping the levels that require a formal
        notice while the item has had none sent. The item is selected only if
        - none of its earlier actions (sent, pending or cancelled) was at that level or a later one,
        - no earlier reminder about it waits for a collector's review,
        - the level's minimum gap since the last reminder about it (sent, or queued: dated by its run)
          has passed,
        - for a level that requires a formal notice, the notice's deadline has passed.
        Items born before the opening of insolvency proceedings come out blocked (L622-21 C. com.).
        """
        # Compiling this large query with LLVM costs PostgreSQL more than running it (5 s of 9 s on the
        # 200,000 invoices benchmark): not for this transaction.
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute(self._due_items_query(), self._due_items_params())
        return self.env.cr.dictfetchall()

    # ------------------------------------------------------------------ the planning query, in parts
    # An add-on changes what the selection reads by overriding these methods (with super()), never by
    # editing the query's text.
    def _due_items_policy_sql(self):
        """SQL expression of an item's policy, over ``aml`` (the item), ``m`` (its invoice) and ``p`` (the
        commercial partner): the invoice's override, else the customer's (company-dependent: a JSONB
        column keyed by company id), else the company's; a consumer only gets consumer policies."""
        return """CASE WHEN p.collection_customer_type = 'consumer' THEN COALESCE(
                                (SELECT id FROM consumer_policy WHERE id = m.collection_policy_id),
                                (SELECT id FROM consumer_policy
                                  WHERE id = (p.collection_policy_id ->> %(company_key)s)::int),
                                %(consumer_policy)s, %(default_policy)s)
                            ELSE COALESCE(m.collection_policy_id, (p.collection_policy_id ->> %(company_key)s)::int,
                                          %(default_policy)s)
                       END"""

    def _due_items_candidate_conditions(self):
        """SQL conditions an open receivable item meets to be considered at all."""
        return [
            "aml.company_id = %(company)s",
            "aml.parent_state = 'posted'",
            "aml.reconciled IS NOT TRUE",
            "aml.amount_residual > 0",
            "aml.date_maturity <= %(date)s::date - %(min_delay)s",
            "m.move_type IN ('out_invoice', 'out_receipt')",
        ]

    def _due_items_params(self):
        company = self.company_id
        return {
            "company": company.id,
            "company_key": str(company.id),
            "consumer_policy": company.collection_policy_consumer_id.id or None,
            "default_policy": company.collection_policy_id.id or None,
            "date": self.date,
            "min_delay": self._min_delay(),
        }

    def _due_items_query(self):
        return """
            WITH consumer_policy AS (
                SELECT id FROM credit_collection_policy WHERE company_id = %(company)s AND customer_type = 'consumer'
            ), insolvency AS (
                SELECT partner_id, MIN(opening_date) AS opening_date FROM credit_collection_insolvency
                 WHERE company_id = %(company)s AND state = 'open' GROUP BY partner_id
            ), candidates AS (
                SELECT aml.id AS line_id, aml.move_id, m.commercial_partner_id AS partner_id,
                       {policy} AS policy_id,
                       p.collection_customer_type = 'consumer' AS consumer,
                       %(date)s::date - aml.date_maturity AS days_late,
                       aml.date_maturity, aml.amount_residual,
                       (aml.no_followup OR m.collection_blocked OR p.collection_blocked
                        OR m.collection_hold IS NOT NULL
                        OR COALESCE(m.invoice_date, m.date) < ins.opening_date) AS blocked,
                       m.collection_hold AS hold,
                       CASE WHEN COALESCE(m.invoice_date, m.date) < ins.opening_date THEN ins.opening_date END
                           AS insolvency_date,
                       COALESCE(m.collection_block_reason, p.collection_block_reason) AS block_reason
                  FROM account_move_line aml
                  JOIN account_move m ON m.id = aml.move_id
                  JOIN res_partner p ON p.id = m.commercial_partner_id
                  JOIN account_account a ON a.id = aml.account_id AND a.account_type = 'asset_receivable'
             LEFT JOIN insolvency ins ON ins.partner_id = m.commercial_partner_id
                 WHERE {candidate_conditions}
            ), history AS (
                -- What each candidate item was sent or is waiting for, in one aggregate (not a loop).
                SELECT al.move_line_id,
                       MAX(reached.delay_days) AS reached_delay,
                       BOOL_OR(al.state = 'planned' AND a.state = 'to_review') AS awaiting_review,
                       -- 'sending': handed to the mail or SMS queue, not confirmed yet (send stream)
                       MAX(CASE WHEN al.state = 'done' AND a.state IN ('sent', 'sending')
                                    THEN COALESCE(a.sent_date::date, a.date)
                                WHEN al.state = 'planned' AND a.state IN ('queued', 'sending') THEN a.date END)
                           AS last_reminder,
                       MIN(a.sent_date) FILTER (WHERE al.state = 'done' AND a.state = 'sent'
                                                  AND reached.is_formal_notice)::date AS notice_date,
                       MIN(a.sent_date::date + COALESCE(reached.notice_days, 0))
                           FILTER (WHERE al.state = 'done' AND a.state = 'sent' AND reached.is_formal_notice)
                           AS notice_deadline
                  FROM credit_collection_action_line al
                  JOIN candidates c ON c.line_id = al.move_line_id
                  JOIN credit_collection_action a ON a.id = al.action_id
                  JOIN credit_collection_level reached ON reached.id = al.level_id
              GROUP BY al.move_line_id
            )
            SELECT c.line_id, c.move_id, c.partner_id, c.days_late, c.date_maturity, c.amount_residual,
                   lvl.id AS level_id, c.blocked, c.hold, c.block_reason, c.consumer, c.insolvency_date,
                   hist.notice_date
              FROM candidates c
         LEFT JOIN history hist ON hist.move_line_id = c.line_id
              JOIN LATERAL (
                    SELECT l.id, l.delay_days, l.min_gap_days, l.requires_formal_notice
                      FROM credit_collection_level l
                     WHERE l.policy_id = c.policy_id AND l.active AND l.delay_days <= c.days_late
                       AND (NOT COALESCE(l.requires_formal_notice, FALSE) OR hist.notice_date IS NOT NULL)
                  ORDER BY l.delay_days DESC LIMIT 1
                   ) lvl ON TRUE
             WHERE (hist.reached_delay IS NULL OR hist.reached_delay < lvl.delay_days)
               AND NOT COALESCE(hist.awaiting_review, FALSE)
               AND (hist.last_reminder IS NULL OR hist.last_reminder + COALESCE(lvl.min_gap_days, 0) <= %(date)s::date)
               AND (NOT COALESCE(lvl.requires_formal_notice, FALSE) OR hist.notice_deadline <= %(date)s::date)
          ORDER BY c.partner_id, lvl.delay_days, c.date_maturity, c.line_id
        """.format(
            policy=self._due_items_policy_sql(),
            candidate_conditions="\n                   AND ".join(self._due_items_candidate_conditions()),
        )

    def _min_delay(self):
        self.env.cr.execute(
            """
            SELECT COALESCE(MIN(delay_days), 0) FROM credit_collection_level
             WHERE active AND company_id = %s
        """,
            [self.company_id.id],
        )
        return self.env.cr.fetchone()[0]

    def _create_actions(self, rows):
        """Groups the selected items by customer and level and inserts actions and items in bulk."""
        levels = {
            level.id: level for level in self.env["credit.collection.level"].browse({row["level_id"] for row in rows})
        }
        partners = self.env["res.partner"].browse({row["partner_id"] for row in rows})
        collectors = {partner.id: partner.collection_user_id.id or None for partner in partners}
        already_charged = self._items_with_fee({row["move_id"] for row in rows})
        paused = self._customers_paused({row["partner_id"] for row in rows})

        holds = dict(self.env["account.move"]._fields["collection_hold"]._description_selection(self.env))
        groups = defaultdict(list)
        skipped = defaultdict(list)
        held = defaultdict(list)
        for row in rows:
            if row["insolvency_date"]:
                reason = self.env._(
                    "insolvency proceedings opened on %s: individual actions suspended (L622-21 C. com.)",
                    fields.Date.to_string(row["insolvency_date"]),
                )
                skipped[(row["partner_id"], reason)].append(row)
            elif row["blocked"]:
                reason = holds.get(row["hold"]) or row["block_reason"] or self.env._("dunning blocked")
                skipped[(row["partner_id"], reason)].append(row)
            elif row["partner_id"] in paused:
                skipped[(row["partner_id"], paused[row["partner_id"]])].append(row)
            else:
                groups[(row["partner_id"], row["level_id"])].append(row)

        action_rows, item_rows, totals = [], [], []
        for (partner_id, level_id), items in groups.items():
            level = levels[level_id]
            total = sum(item["amount_residual"] for item in items)
            if level.currency_id.compare_amounts(total, level.min_overdue_amount) < 0:
                skipped[(partner_id, self.env._("below the minimum of %s", level.name))].extend(items)
                continue
            try:
                charges = [(item, *self._item_charges(level, item, already_charged)) for item in items]
            except MissingLegalRate as error:
                # Held until the rate is entered: never sent with a guessed rate.
                held[
                    (partner_id, self.env._("%(level)s held: %(reason)s", level=level.name, reason=error.args[0]))
                ].extend(items)
                continue
            already_charged.update(item["move_id"] for item, fee, _interest, _periods in charges if fee)
            fees = sum(fee for _item, fee, _interest, _periods in charges)
            interests = sum(interest for _item, _fee, interest, _periods in charges)
            for channel in level._channels():
                key = len(action_rows)
                action_rows.append((partner_id, level_id, channel))
                totals.append((total, fees, interests, max(item["days_late"] for item in items), len(items)))
                item_rows.extend((key, *charge) for charge in charges)

        action_ids = self._insert_actions(action_rows, levels, collectors, totals)
        inserted = self._insert_items(item_rows, action_ids, action_rows)
        self._insert_skipped(skipped)
        self._insert_skipped(held, kind="error")
        # Items a concurrent run planned first were refused by the unique key: recount those actions.
        kept = defaultdict(int)
        for action_id in inserted:
            kept[action_id] += 1
        short = [action_id for action_id, total in zip(action_ids, totals, strict=False) if kept[action_id] != total[4]]
        self._sum_action_amounts(short)
        self.env.invalidate_all()
        return len(inserted)

    def _customers_paused(self, partner_ids):
        """{customer id: reason} of the customers among ``partner_ids`` whose automated dunning is paused
        for this run: their items are skipped with that reason in the run report.

        None in the engine; an add-on that pauses dunning (a customer's reply...) says which, with ``super()``.
        """
        return {}

    def _item_charges(self, level, item, already_charged):
        """(recovery fee, late interest, its half-year periods) of one item at ``level``.

        The fixed recovery indemnity (L441-10 C. com.) is owed between professionals only, once per
        invoice. A consumer owes interest only from the formal notice (C. civ. 1231-6, 1344-1) and only
        under a consumer policy, whose rate is the legal one; under a professional policy (the company
        has no consumer policy) a consumer is charged neither.
        """
        if item["consumer"]:
            if level.policy_id.customer_type != "consumer":
                return 0.0, 0.0, []
            fee = 0.0
        else:
            fee = level.recovery_fee if level.recovery_fee and item["move_id"] not in already_charged else 0.0
        start = level._interest_start_date(item["date_maturity"], item["notice_date"])
        periods = level._interest_periods(item["amount_residual"], start, self.date)
        return fee, level._interest_total(item["amount_residual"], periods), periods

    def _sum_action_amounts(self, action_ids):
        """Stores the actions' totals in one statement; drops the actions a concurrent run left empty."""
        if not action_ids:
            return
        self.env.cr.execute(
            """
            UPDATE credit_collection_action a
               SET amount_due = s.due, fee_amount = s.fee, interest_amount = s.interest,
                   amount_total = s.due + s.fee + s.interest, max_days_late = s.late
              FROM (SELECT action_id, SUM(amount_residual) AS due, SUM(fee_amount) AS fee,
                           SUM(interest_amount) AS interest, MAX(days_late) AS late
                      FROM credit_collection_action_line
                     WHERE action_id = ANY(%(ids)s) AND state != 'cancelled'
                  GROUP BY action_id) s
             WHERE a.id = s.action_id;
            DELETE FROM credit_collection_action a
             WHERE a.id = ANY(%(ids)s)
               AND NOT EXISTS (SELECT 1 FROM credit_collection_action_line l WHERE l.action_id = a.id)
        """,
            {"ids": action_ids},
        )

    def _items_with_fee(self, move_ids):
        if not move_ids:
            return set()
        self.env.cr.execute(
            """
            SELECT DISTINCT move_id FROM credit_collection_action_line
             WHERE move_id IN %s AND fee_amount > 0 AND state != 'cancelled'
        """,
            [tuple(move_ids)],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _insert_actions(self, action_rows, levels, collectors, totals=None):
        if not action_rows:
            return []
        now, uid = fields.Datetime.now(), self.env.uid
        values = [
            (
                self.id,
                self.company_id.id,
                partner_id,
                collectors.get(partner_id),
                level_id,
                levels[level_id].policy_id.id,
                channel,
                self.date,
                "queued" if levels[level_id].auto_send else "to_review",
                due,
                fee,
                interest,
                due + fee + interest,
                late,
                now,
                uid,
                now,
                uid,
            )
            for (partner_id, level_id, channel), (due, fee, interest, late, _count) in zip(
                action_rows, totals or [(0.0, 0.0, 0.0, 0, 0)] * len(action_rows), strict=False
            )
        ]
        ids = execute_values(
            self.env.cr._obj,
            """
            INSERT INTO credit_collection_action
                (run_id, company_id, partner_id, user_id, level_id, policy_id, channel, date, state,
                 amount_due, fee_amount, interest_amount, amount_total, max_days_late,
                 create_date, create_uid, write_date, write_uid)
            VALUES %s RETURNING id
        """,
            values,
            page_size=5000,
            fetch=True,
        )
        return [row[0] for row in ids]

    def _insert_items(self, item_rows, action_ids, action_rows):
        """Inserts the items; returns the action id of each item the unique key let in."""
        if not item_rows:
            return []
        now, uid = fields.Datetime.now(), self.env.uid
        values = [
            (
                action_ids[key],
                item["line_id"],
                item["move_id"],
                item["level_id"],
                action_rows[key][2],
                action_rows[key][0],
                self.company_id.id,
                item["date_maturity"],
                item["days_late"],
                item["amount_residual"],
                fee,
                interest,
                Json(periods) if periods else None,
                "planned",
                now,
                uid,
                now,
                uid,
            )
            for key, item, fee, interest, periods in item_rows
        ]
        inserted = execute_values(
            self.env.cr._obj,
            """
            INSERT INTO credit_collection_action_line
                (action_id, move_line_id, move_id, level_id, channel, partner_id, company_id, date_maturity,
                 days_late, amount_residual, fee_amount, interest_amount, interest_periods, state,
                 create_date, create_uid, write_date, write_uid)
            VALUES %s
            ON CONFLICT (move_line_id, level_id, channel) DO NOTHING
            RETURNING action_id, move_line_id
        """,
            values,
            page_size=5000,
            fetch=True,
        )
        return [action_id for action_id, _line_id in inserted]

    def _insert_skipped(self, skipped, kind="skipped"):
        self.env["credit.collection.run.message"].sudo().create(
            [
                {
                    "run_id": self.id,
                    "kind": kind,
                    "reason": reason[:250],
                    "partner_id": partner_id,
                    "move_ids": [(6, 0, list({item["move_id"] for item in items}))],
                }
                for (partner_id, reason), items in skipped.items()
            ]
        )

    def _log_message(self, kind, reason, partner, moves, action=None):
        self.env["credit.collection.run.message"].sudo().create(
            {
                "run_id": self.id,
                "kind": kind,
                "reason": shorten(reason, 500),
                "partner_id": partner.id,
                "move_ids": [(6, 0, moves.ids)],
                "action_id": action.id if action else False,
            }
        )
