from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools.misc import format_date, formatLang


class CreditCollectionPromise(models.Model):
    """A payment promise: dunning waits on its invoices until its date; kept or broken then."""

    _name = "credit.collection.promise"
    _inherit = ["credit.collection.hold.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Payment promise"
    _order = "promise_date desc, id desc"
    _rec_names_search = ["partner_id"]

    # Not stored: the amount and the date are written in the reader's language.
    name = fields.Char(compute="_compute_name")
    move_ids = fields.Many2many(
        "account.move",
        "credit_collection_promise_move_rel",
        "promise_id",
        "move_id",
        "Invoices",
        help="Empty: every open invoice of the customer when the promise is made.",
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    amount = fields.Monetary(required=True, currency_field="currency_id", tracking=True)
    promise_date = fields.Date("Promised for", required=True, tracking=True)
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    amount_paid = fields.Monetary(currency_field="currency_id", compute="_compute_amount_paid")
    user_id = fields.Many2one("res.users", "Taken by", default=lambda self: self.env.user)
    note = fields.Text()
    # Payments are the reconciliations made after the promise: those with a higher id than this one.
    reconcile_watermark = fields.Integer(readonly=True, copy=False)

    @api.depends("partner_id", "amount", "promise_date", "currency_id")
    @api.depends_context("lang")
    def _compute_name(self):
        for promise in self:
            promise.name = self.env._(
                "%(customer)s: %(amount)s on %(date)s",
                customer=promise.partner_id.name or "",
                amount=formatLang(self.env, promise.amount, currency_obj=promise.currency_id),
                date=format_date(self.env, promise.promise_date),
            )

    @api.constrains("amount")
    def _check_amount(self):
        for promise in self:
            if promise.currency_id.compare_amounts(promise.amount, 0) <= 0:
                raise ValidationError(self.env._("A payment promise needs a positive amount."))

    @api.model_create_multi
    def create(self, vals_list):
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_partial_reconcile")
        watermark = self.env.cr.fetchone()[0]
        for vals in vals_list:
            vals["reconcile_watermark"] = watermark
        promises = super().create(vals_list)
        for promise in promises:
            if not promise.move_ids:
                promise.move_ids = promise._open_invoices()
            promise._trace(
                self.env._(
                    "Payment promise of %(amount)s for %(date)s on %(invoices)s: dunning waits until then.",
                    amount=promise.case_id._format_amount(promise.amount),
                    date=format_date(self.env, promise.promise_date),
                    invoices=", ".join(promise.move_ids.mapped("name")) or self.env._("no open invoice"),
                )
            )
        return promises

    def _payments_by_promise(self):
        """Amount paid on each promise's invoices after it was made and by its date (company currency).

        Credit notes do not count: a promise is kept by money, not by a correction of the invoice.
        """
        if not self:
            return {}
        self.env["account.partial.reconcile"].flush_model()
        self.env.cr.execute(
            """
            SELECT p.id, COALESCE(SUM(apr.amount), 0)
              FROM credit_collection_promise p
              JOIN credit_collection_promise_move_rel rel ON rel.promise_id = p.id
              JOIN account_move_line dl ON dl.move_id = rel.move_id
              JOIN account_partial_reconcile apr ON apr.debit_move_id = dl.id AND apr.id > p.reconcile_watermark
              JOIN account_move_line cl ON cl.id = apr.credit_move_id
              JOIN account_move cm ON cm.id = cl.move_id AND cm.move_type NOT IN ('out_refund', 'in_refund')
             WHERE p.id IN %s AND cl.date <= p.promise_date
          GROUP BY p.id
        """,
            [tuple(self.ids)],
        )
        return dict(self.env.cr.fetchall())

    def _compute_amount_paid(self):
        paid = self.filtered("id")._payments_by_promise()
        for promise in self:
            promise.amount_paid = paid.get(promise.id, 0.0)

    def _evaluate(self, today=None):
        """Kept once the payments reach the amount; broken (and escalated) once the date has passed."""
        today = today or fields.Date.context_today(self)
        open_promises = self.filtered(lambda promise: promise.state == "open")
        paid = open_promises._payments_by_promise()
        for promise in open_promises:
            amount_paid = paid.get(promise.id, 0.0)
            if promise.currency_id.compare_amounts(amount_paid, promise.amount) >= 0:
                promise.state = "kept"
                promise.activity_ids.action_feedback(feedback=self.env._("Promise kept."))
                promise._trace(
                    self.env._("Payment promise kept: %s paid.", promise.case_id._format_amount(amount_paid))
                )
            elif promise.promise_date < today:
                promise.state = "broken"
                promise.activity_ids.action_feedback(feedback=self.env._("Promise broken."))
                reason = self.env._(
                    "payment promise of %(amount)s for %(date)s broken (%(paid)s paid)",
                    amount=promise.case_id._format_amount(promise.amount),
                    date=format_date(self.env, promise.promise_date),
                    paid=promise.case_id._format_amount(amount_paid),
                )
                promise._trace(self.env._("Payment promise broken: dunning resumes."))
                promise.case_id._escalate(reason)

    @api.model
    def _evaluate_for_moves(self, moves):
        promises = self.sudo().search([("state", "=", "open"), ("move_ids", "in", moves.ids)])
        promises._evaluate()

    @api.model
    def _cron_evaluate(self, company=None):
        domain = Domain(*("state", "=", "open"))
        if company:
            domain &= Domain("company_id", "=", company.id)
        self.search(domain)._evaluate()

    def action_cancel(self):
        for promise in self.filtered(lambda promise: promise.state == "open"):
            promise.state = "cancelled"
            promise._trace(self.env._("Payment promise cancelled: dunning resumes."))
