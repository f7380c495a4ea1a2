from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools.misc import formatLang

from ..tools.i18n import selection_label
from .credit_collection_level import CASE_STAGES

# Insolvency proceedings suspend the engine's stages: a case there is never moved back by a reminder.
CASE_STAGE_SELECTION = CASE_STAGES + [("insolvency", "Insolvency proceedings"), ("closed", "Closed")]
STAGE_RANK = {stage: rank for rank, (stage, _label) in enumerate(CASE_STAGE_SELECTION)}
PROCEDURES = [
    ("order_for_payment", "Order for payment (injonction de payer)"),
    ("summary_proceedings", "Summary proceedings (référé-provision)"),
    ("merits", "Claim on the merits (assignation au fond)"),
]
CLOSE_REASONS = [("paid", "Paid"), ("settled", "Settled"), ("written_off", "Written off")]


class CreditCollectionCase(models.Model):
    """A customer's collection case (dossier): one open case per customer and company."""

    _name = "credit.collection.case"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Collection case"
    _order = "open_date desc, id desc"
    _rec_names_search = ["name", "partner_id"]

    name = fields.Char(required=True, copy=False, readonly=True, default="/")
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, tracking=True, domain="[('parent_id', '=', False)]"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users", "Collector", tracking=True, compute="_compute_user_id", store=True, readonly=False
    )
    stage = fields.Selection(
        CASE_STAGE_SELECTION,
        required=True,
        default="pre_reminder",
        tracking=True,
        index=True,
        group_expand="_expand_stages",
    )
    procedure = fields.Selection(PROCEDURES, tracking=True, help="The court procedure once the case is in litigation.")
    close_reason = fields.Selection(CLOSE_REASONS, tracking=True, readonly=True)
    escalated = fields.Boolean(tracking=True, help="Left automated dunning: a collector follows it.")
    open_date = fields.Date(required=True, default=fields.Date.context_today, readonly=True)
    close_date = fields.Date(readonly=True)
    active = fields.Boolean(default=True)
    note = fields.Html()

    action_ids = fields.One2many("credit.collection.action", "case_id", "Reminders")
    dispute_ids = fields.One2many("credit.collection.dispute", "case_id", "Disputes")
    promise_ids = fields.One2many("credit.collection.promise", "case_id", "Promises")
    plan_ids = fields.One2many("credit.collection.payment.plan", "case_id", "Payment plans")
    move_ids = fields.Many2many("account.move", compute="_compute_amounts", string="Open invoices")
    amount_due = fields.Monetary(compute="_compute_amounts", currency_field="currency_id")
    amount_overdue = fields.Monetary(compute="_compute_amounts", currency_field="currency_id")
    oldest_due_date = fields.Date("Oldest due date", compute="_compute_amounts")
    days_late = fields.Integer("Days late (oldest)", compute="_compute_amounts")
    next_action_date = fields.Date(compute="_compute_next_action")
    next_action = fields.Char(compute="_compute_next_action")
    action_count = fields.Integer(compute="_compute_counts")
    dispute_count = fields.Integer(compute="_compute_counts")
    promise_count = fields.Integer(compute="_compute_counts")
    plan_count = fields.Integer(compute="_compute_counts")

    _one_open = models.UniqueIndex("(partner_id, company_id) WHERE stage != 'closed' AND active")

    @api.model
    def _expand_stages(self, stages, domain):
        return [stage for stage, _label in CASE_STAGE_SELECTION]

    @api.depends("partner_id", "company_id")
    def _compute_user_id(self):
        for case in self:
            if not case.user_id:
                case.user_id = case.partner_id.with_company(case.company_id).collection_user_id

    def _open_items_domain(self):
        self.ensure_one()
        return [
            ("partner_id", "child_of", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ]

    @api.depends("partner_id", "company_id")
    def _compute_amounts(self):
        today = fields.Date.context_today(self)
        for case in self:
            items = self.env["account.move.line"].search(case._open_items_domain()) if case.partner_id else []
            debts = [item for item in items if item.amount_residual > 0]
            overdue = [item for item in debts if item.date_maturity and item.date_maturity < today]
            case.move_ids = [(6, 0, list({item.move_id.id for item in debts}))]
            case.amount_due = sum(item.amount_residual for item in items)
            case.amount_overdue = sum(item.amount_residual for item in overdue)
            case.oldest_due_date = min((item.date_maturity for item in overdue), default=False)
            case.days_late = (today - case.oldest_due_date).days if case.oldest_due_date else 0

    @api.depends("action_ids.state", "activity_ids.date_deadline")
    def _compute_next_action(self):
        for case in self:
            options = []
            pending = case.action_ids.filtered(lambda action: action.state in ("to_review", "queued"))
            for action in pending:
                options.append((action.date, action.name))
            if case.activity_ids:
                activity = case.activity_ids.sorted("date_deadline")[0]
                options.append((activity.date_deadline, activity.summary or activity.activity_type_id.name))
            if case.stage != "closed":
                next_dates = [
                    (move.collection_next_date, self.env._("Next reminder on %s", move.name))
                    for move in case.move_ids
                    if move.collection_next_date
                ]
                options.extend(next_dates)
            first = min(options, key=lambda option: option[0]) if options else (False, False)
            case.next_action_date, case.next_action = first

    def _compute_counts(self):
        for case in self:
            case.action_count = len(case.action_ids)
            case.dispute_count = len(case.dispute_ids)
            case.promise_count = len(case.promise_ids)
            case.plan_count = len(case.plan_ids)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["name"] = (
                    self.env["ir.sequence"].with_company(company).next_by_code("credit.collection.case") or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("stage") == "litigation" or vals.get("procedure"):
            for case in self:
                self.env["credit.collection.insolvency"]._check_litigation_allowed(case)
                if vals.get("stage") == "litigation" and case.stage != "litigation":
                    case._check_formal_notice_sent()
        return super().write(vals)

    def _check_formal_notice_sent(self):
        """Litigation comes after a formal notice: one sent by the engine, or one archived on the case."""
        self.ensure_one()
        sent = (
            self.env["credit.collection.action"]
            .sudo()
            .search_count(
                [
                    ("partner_id", "child_of", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                    ("state", "=", "sent"),
                    ("level_id.is_formal_notice", "=", True),
                ],
                limit=1,
            )
        )
        if not sent and not self._formal_notice_archived():
            raise UserError(
                self.env._(
                    "%s has not been sent a formal notice: send one (or archive on the case the one sent, category "
                    "formal notice) before litigation.",
                    self.partner_id.display_name,
                )
            )

    def _formal_notice_archived(self):
        """Whether a formal notice sent outside the engine (a registered letter...) is on record for the case.
        None here; the add-on that archives the case's documents says so."""
        self.ensure_one()
        return False

    # ------------------------------------------------------------------ engine API
    @api.model
    def _get_or_open(self, partner, company, stage=None):
        """The customer's open case in ``company``, opened (at ``stage``) if there is none."""
        partner = partner.commercial_partner_id
        case = self.sudo().search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id), ("stage", "!=", "closed")], limit=1
        )
        if not case:
            case = self.sudo().create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "stage": stage or self._stage_reached(partner, company),
                }
            )
            case._message_log(body=self.env._("Case opened."))
        return case.sudo(False)

    @api.model
    def _stage_reached(self, partner, company):
        """Stage of a case opened outside the engine (a dispute, a promise): the latest level sent
        on the customer's open items, else reminder 1 when something is overdue."""
        lines = (
            self.env["credit.collection.action.line"]
            .sudo()
            .search(
                [
                    ("move_line_id.partner_id", "child_of", partner.id),
                    ("company_id", "=", company.id),
                    ("move_line_id.reconciled", "=", False),
                    ("state", "=", "done"),
                ]
            )
        )
        if lines:
            return max(lines.level_id, key=lambda level: level.delay_days).case_stage
        overdue = (
            self.env["account.move.line"]
            .sudo()
            .search_count(
                [
                    ("partner_id", "child_of", partner.id),
                    ("company_id", "=", company.id),
                    ("account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", ">", 0),
                    ("date_maturity", "<", fields.Date.context_today(self)),
                ]
            )
        )
        return "reminder_1" if overdue else "pre_reminder"

    def _advance_to(self, stage, origin=None):
        """Moves the case forward to ``stage``; the engine never moves a case back."""
        for case in self:
            if case.stage == "closed" or STAGE_RANK[stage] <= STAGE_RANK[case.stage]:
                continue
            case.stage = stage
            if origin:
                # A log, not a post: the sending queue moves thousands of cases, nobody is notified.
                case._message_log(
                    body=self.env._(
                        "Stage %(stage)s after %(origin)s.", stage=selection_label(case, "stage", stage), origin=origin
                    )
                )

    def _close(self, reason):
        for case in self.filtered(lambda case: case.stage != "closed"):
            case.write({"stage": "closed", "close_reason": reason, "close_date": fields.Date.context_today(case)})
            case.activity_ids.action_feedback(
                feedback=self.env._("Case closed: %s", selection_label(case, "close_reason", reason))
            )

    def _escalate(self, reason):
        for case in self:
            if not case.escalated:
                case.escalated = True
                case.partner_id.sudo().collection_escalated = True
            case.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Escalated: %s", reason),
                note=self.env._(
                    "%(reason)s. %(amount)s overdue.", reason=reason, amount=case._format_amount(case.amount_overdue)
                ),
                user_id=(case.user_id or self.env.user).id,
            )
            case.message_post(body=self.env._("Escalated: %s", reason), subtype_xmlid="mail.mt_note")

    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    @api.model
    def _close_paid_cases(self, partners=None):
        """Closes as paid the open cases whose customer owes nothing any more."""
        domain = Domain("stage", "!=", "closed")
        if partners is not None:
            domain &= Domain("partner_id", "in", partners.commercial_partner_id.ids)
        cases = self.sudo().search(domain)
        if not cases:
            return
        self.env["account.move.line"].flush_model(["amount_residual", "reconciled"])
        self.env.cr.execute(
            """
            SELECT DISTINCT m.commercial_partner_id, aml.company_id
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
              JOIN account_account a ON a.id = aml.account_id AND a.account_type = 'asset_receivable'
             WHERE m.commercial_partner_id IN %s AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE AND aml.amount_residual > 0
        """,
            [tuple(cases.partner_id.ids)],
        )
        still_owing = set(self.env.cr.fetchall())
        cases.filtered(lambda case: (case.partner_id.id, case.company_id.id) not in still_owing)._close("paid")

    @api.model
    def _cron_close_paid(self):
        self._close_paid_cases()

    # ------------------------------------------------------------------ buttons
    def action_close_settled(self):
        self._close("settled")

    def action_reopen(self):
        for case in self:
            if case.stage != "closed":
                continue
            if self.search_count(
                [
                    ("partner_id", "=", case.partner_id.id),
                    ("company_id", "=", case.company_id.id),
                    ("stage", "!=", "closed"),
                    ("id", "!=", case.id),
                ]
            ):
                raise UserError(self.env._("%s already has an open case.", case.partner_id.display_name))
            case.write({"stage": "reminder_1", "close_reason": False, "close_date": False})

    def action_escalate(self):
        self._escalate(self.env._("by %s", self.env.user.name))

    def _open_related(self, xmlid, model_domain):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = model_domain
        action["context"] = {
            "default_partner_id": self.partner_id.id,
            "default_case_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action

    def action_open_actions(self):
        return self._open_related("credit_collection.action_collection_actions", [("case_id", "=", self.id)])

    def action_open_disputes(self):
        return self._open_related("credit_collection.action_collection_disputes", [("case_id", "=", self.id)])

    def action_open_promises(self):
        return self._open_related("credit_collection.action_collection_promises", [("case_id", "=", self.id)])

    def action_open_plans(self):
        return self._open_related("credit_collection.action_collection_payment_plans", [("case_id", "=", self.id)])

    def action_open_invoices(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_out_invoice_type")
        action["domain"] = [("id", "in", self.move_ids.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        return action
