from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools.misc import format_date


class CreditCollectionPaymentPlan(models.Model):
    """A debt split into instalments (échéancier); dunning holds on its invoices while it runs."""

    _name = "credit.collection.payment.plan"
    _inherit = ["credit.collection.hold.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Payment plan"
    _order = "id desc"
    _hold_sequence_code = "credit.collection.payment.plan"

    name = fields.Char(required=True, copy=False, readonly=True, default="/")
    move_ids = fields.Many2many(
        "account.move",
        "credit_collection_plan_move_rel",
        "plan_id",
        "move_id",
        "Invoices",
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("running", "Running"),
            ("done", "Paid"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    instalment_count = fields.Integer("Number of instalments", default=3, required=True)
    first_date = fields.Date(
        "First instalment",
        required=True,
        default=lambda self: fields.Date.context_today(self) + relativedelta(months=1),
    )
    interval_months = fields.Integer("Months between instalments", default=1, required=True)
    grace_days = fields.Integer(
        default=5, help="An instalment not paid this many days after its date is missed: the plan breaks."
    )
    interest_rate = fields.Float("Interest (% a year)", digits=(16, 4))
    amount_base = fields.Monetary("Debt", currency_field="currency_id", compute="_compute_amounts", store=True)
    interest_amount = fields.Monetary(currency_field="currency_id", readonly=True)
    amount_total = fields.Monetary(currency_field="currency_id", compute="_compute_amounts", store=True)
    amount_paid = fields.Monetary(currency_field="currency_id", compute="_compute_paid")
    interest_invoice_id = fields.Many2one("account.move", readonly=True, copy=False)
    line_ids = fields.One2many("credit.collection.payment.plan.line", "plan_id", "Instalments", copy=False)
    next_date = fields.Date("Next instalment", compute="_compute_paid")
    note = fields.Text()
    user_id = fields.Many2one("res.users", "Collector", default=lambda self: self.env.user)
    reconcile_watermark = fields.Integer(readonly=True, copy=False)

    @api.depends("move_ids.amount_residual", "interest_amount", "state")
    def _compute_amounts(self):
        for plan in self:
            if plan.state in ("draft", "cancelled") or not plan.amount_base:
                plan.amount_base = sum(plan.move_ids.mapped("amount_residual_signed"))
            plan.amount_total = plan.amount_base + plan.interest_amount

    @api.depends("line_ids.amount_paid")
    def _compute_paid(self):
        for plan in self:
            plan.amount_paid = sum(plan.line_ids.mapped("amount_paid"))
            pending = plan.line_ids.filtered(lambda line: line.state == "to_pay").sorted("date")
            plan.next_date = pending[:1].date

    @api.constrains("instalment_count", "interval_months")
    def _check_counts(self):
        for plan in self:
            if plan.instalment_count < 1 or plan.interval_months < 1:
                raise ValidationError(self.env._("A plan needs at least one instalment, a month or more apart."))

    @api.model_create_multi
    def create(self, vals_list):
        plans = super().create(vals_list)
        for plan in plans:
            if not plan.move_ids:
                plan.move_ids = plan._open_invoices()
            message = self.env._(
                "Payment plan %(name)s in %(count)s instalments proposed for %(amount)s.",
                name=plan.name,
                count=plan.instalment_count,
                amount=plan.case_id._format_amount(plan.amount_base),
            )
            if plan.source == "portal":
                message = self.env._("The customer asks for a payment plan: %s", message)
            plan._trace(message)
        return plans

    # ------------------------------------------------------------------ schedule
    def _schedule(self):
        """Instalment dates and amounts: equal shares, the last one takes the rounding; simple interest."""
        self.ensure_one()
        currency = self.currency_id
        base = self.amount_base
        if currency.compare_amounts(base, 0) <= 0:
            raise UserError(self.env._("%s has nothing left to pay on these invoices.", self.partner_id.display_name))
        start = fields.Date.context_today(self)
        dates = [
            self.first_date + relativedelta(months=self.interval_months * index)
            for index in range(self.instalment_count)
        ]
        share = currency.round(base / self.instalment_count)
        principals = [share] * (self.instalment_count - 1) + [
            currency.round(base - share * (self.instalment_count - 1))
        ]
        interests = [
            currency.round(principal * self.interest_rate / 100 * max((date - start).days, 0) / 365)
            for principal, date in zip(principals, dates, strict=False)
        ]
        return [
            {"date": date, "principal": principal, "interest": interest}
            for date, principal, interest in zip(dates, principals, interests, strict=False)
        ]

    def action_compute(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("Only a draft plan can be recomputed."))
            schedule = plan._schedule()
            plan.write(
                {
                    "interest_amount": sum(row["interest"] for row in schedule),
                    "line_ids": [Command.clear()]
                    + [
                        Command.create(
                            {
                                "date": row["date"],
                                "amount": row["principal"] + row["interest"],
                                "interest_amount": row["interest"],
                            }
                        )
                        for row in schedule
                    ],
                }
            )

    def action_confirm(self):
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_partial_reconcile")
        watermark = self.env.cr.fetchone()[0]
        for plan in self:
            if plan.state != "draft":
                raise UserError(self.env._("%s is not a draft.", plan.name))
            if not plan.move_ids:
                raise UserError(self.env._("Choose the invoices the plan covers."))
            plan.action_compute()
            plan.write({"state": "running", "reconcile_watermark": watermark})
            if plan.currency_id.compare_amounts(plan.interest_amount, 0) > 0:
                plan.interest_invoice_id = plan._post_interest_invoice()
                plan.move_ids = [Command.link(plan.interest_invoice_id.id)]
            plan._trace(
                self.env._(
                    "Payment plan %(name)s agreed: %(lines)s. Dunning holds on %(invoices)s while it is kept.",
                    name=plan.name,
                    invoices=", ".join(plan.move_ids.mapped("name")),
                    lines="; ".join(
                        "%s %s" % (format_date(self.env, line.date), plan.case_id._format_amount(line.amount))
                        for line in plan.line_ids
                    ),
                )
            )

    def _post_interest_invoice(self):
        self.ensure_one()
        product = self.company_id.collection_fee_product_id
        if not product:
            raise UserError(
                self.env._("Set the collection fee product in the settings to invoice the plan's interest.")
            )
        # Created as the system: only the engine marks an invoice as its own charge.
        invoice = (
            self.env["account.move"]
            .with_company(self.company_id)
            .sudo()
            .create(
                {
                    "move_type": "out_invoice",
                    "collection_charge": "plan_interest",
                    "partner_id": self.partner_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "invoice_date_due": self.line_ids.sorted("date")[-1:].date,
                    "ref": self.env._("Interest of payment plan %s", self.name),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": self.env._("Interest of payment plan %s", self.name),
                                "quantity": 1,
                                "price_unit": self.interest_amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
            .sudo(False)
        )
        invoice.action_post()
        return invoice

    def action_cancel(self):
        for plan in self.filtered(lambda plan: plan.state in ("draft", "running")):
            plan.state = "cancelled"
            plan._trace(self.env._("Payment plan %s cancelled: dunning resumes.", plan.name))

    # ------------------------------------------------------------------ follow-up
    def _payments(self):
        """(date, amount) of the money received on the plan's invoices since it was agreed."""
        self.ensure_one()
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            """
            SELECT cl.date, SUM(apr.amount)
              FROM credit_collection_plan_move_rel rel
              JOIN account_move_line dl ON dl.move_id = rel.move_id
              JOIN account_partial_reconcile apr ON apr.debit_move_id = dl.id AND apr.id > %s
              JOIN account_move_line cl ON cl.id = apr.credit_move_id
              JOIN account_move cm ON cm.id = cl.move_id AND cm.move_type NOT IN ('out_refund', 'in_refund')
             WHERE rel.plan_id = %s
          GROUP BY cl.date ORDER BY cl.date
        """,
            [self.reconcile_watermark, self.id],
        )
        return self.env.cr.fetchall()

    def _evaluate(self, today=None):
        """Allocates the payments to the instalments in date order; a missed instalment breaks the plan."""
        today = today or fields.Date.context_today(self)
        for plan in self.filtered(lambda plan: plan.state == "running"):
            currency = plan.currency_id
            payments = plan._payments()
            received = sum(amount for _date, amount in payments)
            for line in plan.line_ids.sorted("date"):
                paid = min(line.amount, max(received, 0.0))
                received -= paid
                values = {"amount_paid": paid}
                if currency.compare_amounts(paid, line.amount) >= 0:
                    values["state"] = "paid"
                elif line.date + relativedelta(days=plan.grace_days) < today:
                    values["state"] = "missed"
                else:
                    values["state"] = "to_pay"
                if line.state != values["state"] and values["state"] == "paid":
                    plan._trace(self.env._("Instalment of %(date)s paid.", date=format_date(self.env, line.date)))
                line.write(values)
            if all(line.state == "paid" for line in plan.line_ids):
                plan.state = "done"
                plan.activity_ids.action_feedback(feedback=self.env._("Plan paid."))
                plan._trace(self.env._("Payment plan %s paid in full.", plan.name))
            elif any(line.state == "missed" for line in plan.line_ids):
                missed = plan.line_ids.filtered(lambda line: line.state == "missed").sorted("date")[0]
                plan.state = "broken"
                missed_date = format_date(self.env, missed.date)
                plan._trace(self.env._("Instalment of %s missed: the plan is broken and dunning resumes.", missed_date))
                plan.case_id._escalate(
                    self.env._("instalment of %(date)s of plan %(name)s missed", date=missed_date, name=plan.name)
                )

    @api.model
    def _evaluate_for_moves(self, moves):
        self.sudo().search([("state", "=", "running"), ("move_ids", "in", moves.ids)])._evaluate()

    @api.model
    def _cron_evaluate(self, company=None):
        domain = Domain(*("state", "=", "running"))
        if company:
            domain &= Domain("company_id", "=", company.id)
        self.search(domain)._evaluate()
