from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools.misc import format_date

from .credit_insurance_decision import COVERING_STATES, DECIDED_STATES


class CreditInsuranceDeclaration(models.Model):
    """An overdue declaration to the insurer ("déclaration de menace de sinistre").

    The daily collection run proposes a draft for every insured invoice that reaches its policy's
    deadline minus the lead time; an invoice is never proposed twice. The collector sends it to the
    insurer and marks it declared; a claim follows if the customer still does not pay.
    """

    _name = "credit.insurance.declaration"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Overdue declaration to the insurer"
    _order = "deadline, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    policy_id = fields.Many2one("credit.insurance.policy", required=True, index=True, check_company=True)
    insurer_id = fields.Many2one(related="policy_id.insurer_id")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True)
    user_id = fields.Many2one("res.users", "Responsible", default=lambda self: self.env.user, tracking=True)
    case_id = fields.Many2one(
        "credit.collection.case", "Collection case", index=True, ondelete="set null", check_company=True
    )
    run_id = fields.Many2one("credit.collection.run", "Proposed by run", readonly=True, ondelete="set null")
    state = fields.Selection(
        [("draft", "To declare"), ("declared", "Declared"), ("cancelled", "Cancelled")],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    date_proposed = fields.Date("Proposed on", default=fields.Date.context_today, readonly=True)
    date_declared = fields.Date("Declared on", readonly=True, tracking=True)
    deadline = fields.Date(
        "Declare by",
        compute="_compute_deadline",
        store=True,
        help="The earliest deadline of the invoices: their due date plus the policy's declaration delay.",
    )
    is_late = fields.Boolean("Deadline passed", compute="_compute_is_late", search="_search_is_late")
    deadline_alert = fields.Selection(
        [("proposed", "When proposed"), ("deadline", "On the deadline")],
        "Owner alerted",
        readonly=True,
        copy=False,
        help="The last deadline alert scheduled for the owner: each is scheduled once.",
    )
    line_ids = fields.One2many("credit.insurance.declaration.line", "declaration_id", "Invoices")
    move_ids = fields.Many2many("account.move", compute="_compute_move_ids", string="Invoice documents")
    amount_total = fields.Monetary("Amount declared", compute="_compute_amounts", store=True)
    amount_covered = fields.Monetary(
        "Covered amount (estimate)",
        readonly=True,
        help="At the proposal: the amount declared within the coverage granted, times the share covered.",
    )
    claim_ids = fields.One2many("credit.insurance.claim", "declaration_id", "Claims")
    claim_count = fields.Integer(compute="_compute_claim_count")
    reference = fields.Char("Insurer reference", tracking=True)
    note = fields.Text()

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("credit.insurance.declaration") or "/"
        return super().create(vals_list)

    @api.depends("line_ids.deadline")
    def _compute_deadline(self):
        for declaration in self:
            declaration.deadline = min(declaration.line_ids.mapped("deadline"), default=False)

    @api.depends("state", "deadline")
    def _compute_is_late(self):
        today = fields.Date.context_today(self)
        for declaration in self:
            declaration.is_late = bool(
                declaration.state == "draft" and declaration.deadline and declaration.deadline < today
            )

    def _search_is_late(self, operator, value):
        # Odoo 19 hands over "=" as "in" and negates "in" itself for "not in".
        if operator != "in" or not all(isinstance(item, bool) for item in value):
            return NotImplemented
        late = Domain("state", "=", "draft") & Domain("deadline", "<", fields.Date.context_today(self))
        wanted = set(value)
        if wanted == {True, False}:
            return Domain.TRUE
        return late if wanted == {True} else ~late if wanted == {False} else Domain.FALSE

    @api.depends("line_ids.move_id")
    def _compute_move_ids(self):
        for declaration in self:
            declaration.move_ids = declaration.line_ids.move_id

    @api.depends("line_ids.amount_residual")
    def _compute_amounts(self):
        for declaration in self:
            declaration.amount_total = sum(declaration.line_ids.mapped("amount_residual"))

    def _compute_claim_count(self):
        for declaration in self:
            declaration.claim_count = len(declaration.claim_ids)

    # ------------------------------------------------------------------ workflow
    def action_declare(self):
        for declaration in self:
            if declaration.state != "draft":
                raise UserError(self.env._("Only a declaration to declare can be declared."))
            if not declaration.line_ids:
                raise UserError(self.env._("The declaration %s has no invoice.", declaration.name))
        self.write({"state": "declared", "date_declared": fields.Date.context_today(self)})
        self._close_deadline_alerts(self.env._("Declared."))
        self._link_case()
        return True

    def action_cancel(self):
        if self.claim_ids.filtered(lambda c: c.state not in ("cancelled", "rejected")):
            raise UserError(self.env._("Cancel the claim first."))
        self.write({"state": "cancelled"})
        self._close_deadline_alerts(self.env._("Not declared: cancelled."))
        return True

    def action_draft(self):
        self.filtered(lambda d: d.state == "cancelled").write({"state": "draft", "deadline_alert": False})
        return True

    def action_create_claim(self):
        self.ensure_one()
        if self.state != "declared":
            raise UserError(self.env._("Declare the overdue to the insurer before filing a claim."))
        claim = self.env["credit.insurance.claim"].create(
            {
                "declaration_id": self.id,
                "policy_id": self.policy_id.id,
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.id,
                "case_id": self.case_id.id,
                "move_ids": [Command.set(self.line_ids.move_id.ids)],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.insurance.claim",
            "res_id": claim.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_open_claims(self):
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection_insurance.action_insurance_claims")
        action["domain"] = [("declaration_id", "in", self.ids)]
        action["context"] = {}
        return action

    def _link_case(self):
        """Files the declaration in the customer's open collection case (opened if needed)."""
        Case = self.env["credit.collection.case"]
        for declaration in self:
            if not declaration.case_id or declaration.case_id.stage == "closed":
                declaration.case_id = Case._get_or_open(declaration.partner_id, declaration.company_id)
            declaration.case_id.message_post(
                body=self.env._(
                    "Overdue declared to %(insurer)s: %(name)s, %(amount)s (deadline %(deadline)s).",
                    insurer=declaration.insurer_id.name,
                    name=declaration.name,
                    amount=declaration.currency_id.format(declaration.amount_total),
                    deadline=format_date(self.env, declaration.deadline),
                ),
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------ deadline alerts
    def _alert_deadlines(self, today=None):
        """Alerts the owner of each declaration still to declare, once each: when it is proposed (declare
        by the deadline) and on its deadline (past it, the cover of the invoices is lost). A declaration
        proposed after its deadline gets the second alert only, dated on the deadline: overdue at once."""
        today = today or fields.Date.context_today(self)
        Alert = self.env["credit.collection.alert"]
        activities = self.env["mail.activity"]
        for declaration in self.filtered(lambda d: d.state == "draft" and d.deadline):
            deadline = format_date(self.env, declaration.deadline)
            values = {
                "name": declaration.name,
                "customer": declaration.partner_id.name,
                "insurer": declaration.insurer_id.name,
                "deadline": deadline,
                "amount": declaration.currency_id.format(declaration.amount_total),
            }
            user = declaration.user_id or declaration.policy_id.user_id
            if declaration.deadline > today and not declaration.deadline_alert:
                activities |= Alert._schedule(
                    declaration,
                    today,
                    self.env._("Declare to the insurer by %s", deadline),
                    self.env._(
                        "%(name)s: declare the overdue of %(customer)s (%(amount)s) to %(insurer)s by %(deadline)s, "
                        "or its cover is lost.",
                        **values,
                    ),
                    user,
                )
                declaration.deadline_alert = "proposed"
            elif declaration.deadline <= today and declaration.deadline_alert != "deadline":
                activities |= Alert._schedule(
                    declaration,
                    declaration.deadline,
                    self.env._("Declaration deadline: %s", deadline),
                    self.env._(
                        "%(name)s: the deadline to declare the overdue of %(customer)s (%(amount)s) to %(insurer)s "
                        "is %(deadline)s. Declare it now and check the cover with the insurer.",
                        **values,
                    ),
                    user,
                )
                declaration.deadline_alert = "deadline"
        return activities

    @api.model
    def _alert_company_deadlines(self, company, today):
        return self.search([("company_id", "=", company.id), ("state", "=", "draft")])._alert_deadlines(today)

    def _close_deadline_alerts(self, feedback):
        alert_type = self.env.ref("credit_collection.mail_activity_type_collection_alert")
        self.activity_ids.filtered(lambda activity: activity.activity_type_id == alert_type).action_feedback(
            feedback=feedback
        )

    # ------------------------------------------------------------------ proposal by the daily run
    @api.model
    def _propose(self, company, date, run=None):
        """Drafts the declarations due at ``date`` for ``company``; returns them.

        An invoice is proposed once its deadline (due date + the policy's delay) is at most the
        policy's lead time away, if the customer was covered (granted or reduced) on its invoice date.
        Invoices already on a declaration, even a cancelled one, are never proposed again: cancelling
        a proposal is the collector's decision not to declare.
        """
        policies = self.env["credit.insurance.policy"].search([("company_id", "=", company.id)])
        if not policies:
            return self.browse()
        self.env.flush_all()
        earliest = min(p.declaration_delay_days - p.declaration_lead_days for p in policies)
        self.env.cr.execute(
            """
            SELECT aml.move_id, m.commercial_partner_id AS partner_id, m.invoice_date,
                   MIN(aml.date_maturity) AS date_due, SUM(aml.amount_residual) AS residual
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
              JOIN account_account a ON a.id = aml.account_id AND a.account_type = 'asset_receivable'
             WHERE aml.company_id = %(company)s
               AND aml.parent_state = 'posted'
               AND aml.reconciled IS NOT TRUE
               AND aml.amount_residual > 0
               AND aml.date_maturity <= %(date)s::date - %(earliest)s
               AND m.move_type IN ('out_invoice', 'out_receipt')
               AND EXISTS (SELECT 1 FROM credit_insurance_decision d
                            WHERE d.partner_id = m.commercial_partner_id AND d.company_id = %(company)s
                              AND d.state IN %(covering)s)
               AND NOT EXISTS (SELECT 1 FROM credit_insurance_declaration_line l WHERE l.move_id = aml.move_id)
          GROUP BY aml.move_id, m.commercial_partner_id, m.invoice_date
          ORDER BY m.commercial_partner_id, MIN(aml.date_maturity), aml.move_id
        """,
            {"company": company.id, "date": date, "earliest": earliest, "covering": COVERING_STATES},
        )
        candidates = self.env.cr.dictfetchall()
        if not candidates:
            return self.browse()
        Decision = self.env["credit.insurance.decision"]
        decisions = defaultdict(list)
        for decision in Decision.search(
            [
                ("partner_id", "in", list({row["partner_id"] for row in candidates})),
                ("company_id", "=", company.id),
                ("state", "in", DECIDED_STATES),
            ]
        ):
            decisions[decision.partner_id.id].append(decision)

        def decision_at(partner_id, day):
            valid = [
                d
                for d in decisions[partner_id]
                if d.date_start <= day and (not d.date_end or d.date_end >= day) and d.policy_id._is_valid_at(day)
            ]
            return max(valid, key=lambda d: (d.date_start, d.id)) if valid else Decision

        groups = defaultdict(list)
        for row in candidates:
            decision = decision_at(row["partner_id"], row["invoice_date"] or row["date_due"])
            if decision.state not in COVERING_STATES:
                continue
            policy = decision.policy_id
            deadline = row["date_due"] + timedelta(days=policy.declaration_delay_days)
            if date < deadline - timedelta(days=policy.declaration_lead_days):
                continue
            groups[(row["partner_id"], policy)].append((row, deadline))
        if not groups:
            return self.browse()

        drafts = {
            (d.partner_id.id, d.policy_id): d
            for d in self.search(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "draft"),
                    ("partner_id", "in", [key[0] for key in groups]),
                ]
            )
        }
        currency = company.currency_id
        effective = Decision.browse(
            Decision._effective(self.env["res.partner"].browse([key[0] for key in groups]), company, date).values()
        )
        limits = {d.partner_id.id: d._limit_in(currency, company, date) for d in effective}
        touched = self.browse()
        for (partner_id, policy), rows in groups.items():
            lines = [
                Command.create(
                    {
                        "move_id": row["move_id"],
                        "date_due": row["date_due"],
                        "deadline": deadline,
                        "amount_residual": row["residual"],
                    }
                )
                for row, deadline in rows
            ]
            declaration = drafts.get((partner_id, policy))
            if declaration:
                declaration.write({"line_ids": lines})
            else:
                partner = self.env["res.partner"].browse(partner_id).with_company(company)
                declaration = self.create(
                    {
                        "policy_id": policy.id,
                        "company_id": company.id,
                        "partner_id": partner_id,
                        "run_id": run.id if run else False,
                        "date_proposed": date,
                        "line_ids": lines,
                        "case_id": self.env["credit.collection.case"]._get_or_open(partner, company).id,
                        "user_id": (partner.collection_user_id or policy.user_id or self.env.user).id,
                    }
                )
            total = declaration.amount_total
            declaration.amount_covered = currency.round(
                min(total, limits.get(partner_id, 0.0)) * policy.coverage_share / 100.0
            )
            touched |= declaration
        touched._alert_deadlines(date)
        return touched
