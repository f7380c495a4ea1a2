from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError


class CreditInsuranceClaim(models.Model):
    """A claim on the insurer ("sinistre") and the indemnity it pays.

    Accepted: the indemnity agreed is posted (debit the insurer receivable account, credit the indemnity
    income account). Paid: the indemnity received is posted (debit the bank journal's account, credit
    the insurer receivable account) and the two insurer lines are matched when the account allows it.
    """

    _name = "credit.insurance.claim"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Credit-insurance claim"
    _order = "date_filed desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    declaration_id = fields.Many2one(
        "credit.insurance.declaration", "Overdue declaration", index=True, check_company=True
    )
    policy_id = fields.Many2one("credit.insurance.policy", required=True, index=True, check_company=True)
    insurer_id = fields.Many2one(related="policy_id.insurer_id")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True)
    case_id = fields.Many2one(
        "credit.collection.case",
        "Collection case",
        index=True,
        ondelete="set null",
        check_company=True,
        domain="[('partner_id', '=', partner_id)]",
    )
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('commercial_partner_id', '=', partner_id)]",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("filed", "Filed"),
            ("accepted", "Accepted"),
            ("paid", "Indemnified"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    date_filed = fields.Date("Filed on", tracking=True)
    reference = fields.Char("Insurer claim number", tracking=True)
    amount_claimed = fields.Monetary(
        "Amount claimed",
        compute="_compute_amount_claimed",
        store=True,
        readonly=False,
        tracking=True,
        help="What the invoices still owe (in the company's currency) when the claim is created.",
    )
    indemnity_amount = fields.Monetary(
        "Indemnity agreed",
        compute="_compute_indemnity_amount",
        store=True,
        readonly=False,
        tracking=True,
        help="Proposed: the amount claimed within the coverage in force, times the share covered.",
    )
    date_accepted = fields.Date("Accepted on", readonly=True)
    accrual_move_id = fields.Many2one("account.move", "Indemnity entry", readonly=True, copy=False)
    indemnity_received = fields.Monetary("Indemnity received", tracking=True, copy=False)
    indemnity_date = fields.Date("Received on", copy=False)
    indemnity_journal_id = fields.Many2one(
        "account.journal",
        "Received in",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        compute="_compute_indemnity_journal_id",
        store=True,
        readonly=False,
    )
    payment_move_id = fields.Many2one("account.move", "Receipt entry", readonly=True, copy=False)
    note = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("credit.insurance.claim") or "/"
        claims = super().create(vals_list)
        for claim in claims.filtered(lambda c: not c.case_id):
            claim.case_id = claim.declaration_id.case_id or self.env["credit.collection.case"]._get_or_open(
                claim.partner_id, claim.company_id
            )
        return claims

    def _note_on_case(self, body):
        for claim in self.filtered("case_id"):
            claim.case_id.message_post(body=body, subtype_xmlid="mail.mt_note")

    @api.depends("move_ids")
    def _compute_amount_claimed(self):
        for claim in self:
            claim.amount_claimed = sum(claim.move_ids.mapped("amount_residual_signed"))

    @api.depends("amount_claimed", "policy_id", "partner_id")
    def _compute_indemnity_amount(self):
        Decision = self.env["credit.insurance.decision"]
        today = fields.Date.context_today(self)
        for claim in self:
            if not claim.policy_id or not claim.partner_id:
                claim.indemnity_amount = 0.0
                continue
            # The coverage in force when the overdue was declared (or today for a claim entered by hand).
            date = claim.declaration_id.date_declared or today
            decision = Decision.browse(
                Decision._effective(claim.partner_id, claim.company_id, date).get(
                    claim.partner_id.commercial_partner_id.id
                )
            )
            limit = decision._limit_in(claim.currency_id, claim.company_id, date) if decision else 0.0
            claim.indemnity_amount = claim.currency_id.round(
                min(claim.amount_claimed, limit) * claim.policy_id.coverage_share / 100.0
            )

    @api.depends("policy_id")
    def _compute_indemnity_journal_id(self):
        for claim in self:
            claim.indemnity_journal_id = claim.policy_id.indemnity_journal_id or claim.indemnity_journal_id

    @api.constrains("amount_claimed", "indemnity_amount", "indemnity_received")
    def _check_amounts(self):
        for claim in self:
            if min(claim.amount_claimed, claim.indemnity_amount, claim.indemnity_received) < 0:
                raise ValidationError(self.env._("The amounts of a claim cannot be negative."))

    # ------------------------------------------------------------------ workflow
    def action_file(self):
        for claim in self.filtered(lambda c: c.state == "draft"):
            claim.write({"state": "filed", "date_filed": claim.date_filed or fields.Date.context_today(self)})
        return True

    def action_reject(self):
        if self.filtered("accrual_move_id"):
            raise UserError(self.env._("The indemnity of this claim is already posted: reverse its entry first."))
        self.write({"state": "rejected"})
        return True

    def action_cancel(self):
        if self.filtered("accrual_move_id"):
            raise UserError(self.env._("The indemnity of this claim is already posted: reverse its entry first."))
        self.write({"state": "cancelled"})
        return True

    def action_accept(self):
        """Posts the indemnity the insurer agreed to pay."""
        for claim in self:
            if claim.state not in ("draft", "filed"):
                raise UserError(self.env._("Only a draft or filed claim can be accepted."))
            if claim.currency_id.compare_amounts(claim.indemnity_amount, 0.0) <= 0:
                raise UserError(self.env._("Enter the indemnity the insurer agreed to pay."))
            policy = claim.policy_id
            if not (policy.claim_journal_id and policy.claim_account_id and policy.indemnity_account_id):
                raise UserError(
                    self.env._(
                        "Set the claims journal, the insurer receivable account and the indemnity "
                        "account on the policy %s.",
                        policy.name,
                    )
                )
            label = self.env._("Indemnity %(claim)s - %(partner)s", claim=claim.name, partner=claim.partner_id.name)
            move = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "journal_id": policy.claim_journal_id.id,
                    "company_id": claim.company_id.id,
                    "date": fields.Date.context_today(self),
                    "ref": label,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": policy.claim_account_id.id,
                                "partner_id": policy.insurer_id.id,
                                "debit": claim.indemnity_amount,
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": policy.indemnity_account_id.id,
                                "partner_id": claim.partner_id.id,
                                "credit": claim.indemnity_amount,
                            }
                        ),
                    ],
                }
            )
            move.action_post()
            claim.write(
                {
                    "state": "accepted",
                    "accrual_move_id": move.id,
                    "date_accepted": fields.Date.context_today(self),
                    "date_filed": claim.date_filed or fields.Date.context_today(self),
                }
            )
            message = self.env._(
                "Claim %(claim)s accepted by %(insurer)s: indemnity of %(amount)s posted.",
                claim=claim.name,
                insurer=policy.insurer_id.name,
                amount=claim.currency_id.format(claim.indemnity_amount),
            )
            claim.message_post(body=message)
            claim._note_on_case(message)
        return True

    def action_register_indemnity(self):
        """Posts the indemnity received from the insurer and matches it with the indemnity agreed."""
        for claim in self:
            if claim.state != "accepted":
                raise UserError(self.env._("Accept the claim before registering its indemnity."))
            if claim.currency_id.compare_amounts(claim.indemnity_received, 0.0) <= 0:
                raise UserError(self.env._("Enter the indemnity received."))
            journal = claim.indemnity_journal_id
            if not journal.default_account_id:
                raise UserError(self.env._("Choose the bank journal that received the indemnity."))
            policy = claim.policy_id
            date = claim.indemnity_date or fields.Date.context_today(self)
            label = self.env._(
                "Indemnity received %(claim)s - %(insurer)s", claim=claim.name, insurer=policy.insurer_id.name
            )
            move = self.env["account.move"].create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "company_id": claim.company_id.id,
                    "date": date,
                    "ref": label,
                    "line_ids": [
                        Command.create(
                            {
                                "name": label,
                                "account_id": journal.default_account_id.id,
                                "partner_id": policy.insurer_id.id,
                                "debit": claim.indemnity_received,
                            }
                        ),
                        Command.create(
                            {
                                "name": label,
                                "account_id": policy.claim_account_id.id,
                                "partner_id": policy.insurer_id.id,
                                "credit": claim.indemnity_received,
                            }
                        ),
                    ],
                }
            )
            move.action_post()
            if policy.claim_account_id.reconcile:
                (claim.accrual_move_id.line_ids | move.line_ids).filtered(
                    lambda line, account=policy.claim_account_id: line.account_id == account and not line.reconciled
                ).reconcile()
            claim.write({"state": "paid", "payment_move_id": move.id, "indemnity_date": date})
            message = self.env._(
                "Claim %(claim)s: indemnity of %(amount)s received.",
                claim=claim.name,
                amount=claim.currency_id.format(claim.indemnity_received),
            )
            claim.message_post(body=message)
            claim._note_on_case(message)
        return True
