from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools.misc import format_date


class CreditCollectionAlert(models.AbstractModel):
    """The daily alerts: activities for the collector on the record concerned, never twice."""

    _name = "credit.collection.alert"
    _description = "Collection alerts"

    @api.model
    def _cron_daily_follow_up(self, today=None):
        """Settles promises and plans, closes the cases paid, then raises the day's alerts."""
        today = today or fields.Date.context_today(self)
        companies = self.env["res.company"].search([])  # pylint: disable=no-search-all  # every company: a handful of rows
        # Company by company, in its language: a scheduled action has none, its notes would be half English.
        by_company = {
            company: self.with_company(company).with_context(lang=company._collection_lang()) for company in companies
        }
        for company, alerts in by_company.items():
            alerts.env["credit.collection.promise"]._cron_evaluate(company)
            alerts.env["credit.collection.payment.plan"]._cron_evaluate(company)
        self.env["credit.collection.case"]._close_paid_cases()
        for company, alerts in by_company.items():
            alerts._send_alerts(company, today)

    @api.model
    def _send_alerts(self, company, today):
        self._alert_actions_due(company, today)
        self._alert_promises_due(company, today)
        self._alert_instalments(company, today)
        self._alert_disputes_late(company, today)
        self._alert_limitation(company, today)

    @api.model
    def _schedule(self, record, date, summary, note, user):
        """One alert per record, summary and date: running the cron twice creates nothing more."""
        activity_type = self.env.ref("credit_collection.mail_activity_type_collection_alert")
        existing = self.env["mail.activity"].search_count(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("activity_type_id", "=", activity_type.id),
                ("summary", "=", summary),
                ("date_deadline", "=", date),
            ]
        )
        if existing:
            return self.env["mail.activity"]
        return record.activity_schedule(
            activity_type_id=activity_type.id,
            date_deadline=date,
            summary=summary,
            note=note,
            user_id=(user or self.env.ref("base.user_admin", raise_if_not_found=False) or self.env.user).id,
        )

    def _alert_actions_due(self, company, today):
        actions = self.env["credit.collection.action"].search(
            [("company_id", "=", company.id), ("state", "=", "to_review"), ("date", "<=", today)]
        )
        by_partner = {}
        for action in actions:
            by_partner.setdefault(action.partner_id.commercial_partner_id, []).append(action)
        for partner, partner_actions in by_partner.items():
            case = self.env["credit.collection.case"]._get_or_open(partner, company)
            self._schedule(
                case,
                today,
                self.env._("Reminders to review today"),
                self.env._(
                    "%(count)s reminder(s) wait for review: %(reminders)s",
                    count=len(partner_actions),
                    reminders=", ".join(action.name for action in partner_actions),
                ),
                case.user_id or partner_actions[0].user_id,
            )

    def _alert_promises_due(self, company, today):
        for promise in self.env["credit.collection.promise"].search(
            [("company_id", "=", company.id), ("state", "=", "open"), ("promise_date", "<=", today)]
        ):
            self._schedule(
                promise,
                promise.promise_date,
                self.env._("Promised payment due"),
                self.env._(
                    "%(customer)s promised %(amount)s for %(date)s: check the payment.",
                    customer=promise.partner_id.name,
                    amount=promise.case_id._format_amount(promise.amount),
                    date=format_date(self.env, promise.promise_date),
                ),
                promise.case_id.user_id or promise.user_id,
            )

    def _alert_instalments(self, company, today):
        horizon = today + relativedelta(days=company.collection_alert_days)
        lines = self.env["credit.collection.payment.plan.line"].search(
            [
                ("company_id", "=", company.id),
                ("plan_id.state", "=", "running"),
                ("state", "=", "to_pay"),
                ("date", "<=", horizon),
            ]
        )
        for line in lines:
            plan = line.plan_id
            summary = self.env._("Instalment due") if line.date >= today else self.env._("Instalment unpaid")
            self._schedule(
                plan,
                line.date,
                summary,
                self.env._(
                    "%(amount)s due on %(date)s under plan %(plan)s.",
                    amount=plan.case_id._format_amount(line.amount - line.amount_paid),
                    date=format_date(self.env, line.date),
                    plan=plan.name,
                ),
                plan.case_id.user_id or plan.user_id,
            )

    def _alert_disputes_late(self, company, today):
        for dispute in self.env["credit.collection.dispute"].search(
            [("company_id", "=", company.id), ("state", "=", "open"), ("deadline", "<", today)]
        ):
            self._schedule(
                dispute,
                dispute.deadline,
                self.env._("Dispute deadline passed"),
                self.env._(
                    "Dispute %(name)s was to be settled by %(date)s.",
                    name=dispute.name,
                    date=format_date(self.env, dispute.deadline),
                ),
                dispute.user_id,
            )

    def _alert_limitation(self, company, today):
        """Open invoices whose limitation period (prescription) ends within the warning window.

        The period runs from the due date, its length is the company's (the law's: a localisation sets
        it, e.g. France 5 years between merchants, 2 against a consumer); 0 years: no alert. A consumer
        is a customer whose type is consumer (no VAT number nor company ID, see res.partner).
        """
        if not company.collection_limitation_years_b2b and not company.collection_limitation_years_b2c:
            return
        warning = company.collection_limitation_warning_days
        b2b_start = today - relativedelta(years=company.collection_limitation_years_b2b) + relativedelta(days=warning)
        b2c_start = today - relativedelta(years=company.collection_limitation_years_b2c) + relativedelta(days=warning)
        moves = self.env["account.move"].search(
            [
                ("company_id", "=", company.id),
                ("move_type", "in", ("out_invoice", "out_receipt")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
                ("invoice_date_due", "<=", max(b2b_start, b2c_start)),
            ]
        )
        for move in moves:
            partner = move.commercial_partner_id
            years = (
                company.collection_limitation_years_b2c
                if partner.collection_customer_type == "consumer"
                else company.collection_limitation_years_b2b
            )
            if not years:
                continue
            limit_date = move.invoice_date_due + relativedelta(years=years)
            if limit_date - relativedelta(days=warning) > today:
                continue
            case = self.env["credit.collection.case"]._get_or_open(partner, company)
            self._schedule(
                case,
                limit_date,
                self.env._("Limitation period ends for %s", move.name),
                self.env._(
                    "%(invoice)s (%(amount)s) can no longer be claimed in court after %(date)s: "
                    "a court claim or the customer's acknowledgement of the debt interrupts it, a "
                    "formal notice does not.",
                    invoice=move.name,
                    amount=case._format_amount(move.amount_residual),
                    date=format_date(self.env, limit_date),
                ),
                case.user_id,
            )
