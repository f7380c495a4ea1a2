from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain

from ..tools.field_access import check_fields_access
from .res_partner import COLLECTION_USER

HOLDS = [("dispute", "Disputed"), ("promise", "Payment promised"), ("plan", "Payment plan")]


class AccountMove(models.Model):
    _inherit = ["account.move", "credit.collection.field.access.mixin"]

    # The collectors' data on an invoice: readable by collection users only (not by the customer on
    # the portal, nor by sales people or accountants outside collection).
    collection_policy_id = fields.Many2one(
        "credit.collection.policy",
        "Dunning policy",
        copy=False,
        groups=COLLECTION_USER,
        help="Overrides the customer's policy for this invoice.",
    )
    collection_blocked = fields.Boolean("Dunning blocked", copy=False, tracking=True, groups=COLLECTION_USER)
    collection_block_reason = fields.Char("Dunning block reason", copy=False, groups=COLLECTION_USER)
    # Derived from the reminder items rather than stored: writing them back on every invoice a run
    # touches would cost more than the whole rest of the planning.
    collection_level_id = fields.Many2one(
        "credit.collection.level",
        "Dunning level",
        compute="_compute_collection_level",
        search="_search_collection_level",
        groups=COLLECTION_USER,
    )
    collection_last_date = fields.Date("Last reminder", compute="_compute_collection_level", groups=COLLECTION_USER)
    collection_next_date = fields.Date("Next reminder", compute="_compute_collection_next_date", groups=COLLECTION_USER)
    collection_action_line_ids = fields.One2many(
        "credit.collection.action.line", "move_id", "Reminder history", groups=COLLECTION_USER
    )
    collection_days_late = fields.Integer("Days late", compute="_compute_collection_next_date", groups=COLLECTION_USER)
    collection_dispute_ids = fields.Many2many(
        "credit.collection.dispute",
        "credit_collection_dispute_move_rel",
        "move_id",
        "dispute_id",
        "Disputes",
        copy=False,
        groups=COLLECTION_USER,
    )
    collection_promise_ids = fields.Many2many(
        "credit.collection.promise",
        "credit_collection_promise_move_rel",
        "move_id",
        "promise_id",
        "Payment promises",
        copy=False,
        groups=COLLECTION_USER,
    )
    collection_plan_ids = fields.Many2many(
        "credit.collection.payment.plan",
        "credit_collection_plan_move_rel",
        "move_id",
        "plan_id",
        "Payment plans",
        copy=False,
        groups=COLLECTION_USER,
    )
    # Stored so that the engine's SQL reads it like the manual block.
    collection_hold = fields.Selection(
        HOLDS,
        "Dunning on hold",
        compute="_compute_collection_hold",
        store=True,
        groups=COLLECTION_USER,
        help="An open dispute, a pending payment promise or a running payment plan holds the reminders.",
    )

    # What the invoice is decides whether the credit limit applies, never a context key (client input).
    collection_charge = fields.Selection(
        [("fee", "Recovery fees and late interest"), ("plan_interest", "Payment plan interest")],
        "Collection charge",
        readonly=True,
        copy=False,
        groups="base.group_user",
        help="Set by the collection engine on the invoices of its own charges: they add no credit, so the "
        "customer's credit limit does not apply to them.",
    )

    @api.depends("collection_dispute_ids.state", "collection_promise_ids.state", "collection_plan_ids.state")
    def _compute_collection_hold(self):
        for move in self:
            if any(dispute.state == "open" for dispute in move.collection_dispute_ids):
                move.collection_hold = "dispute"
            elif any(plan.state == "running" for plan in move.collection_plan_ids):
                move.collection_hold = "plan"
            elif any(promise.state == "open" for promise in move.collection_promise_ids):
                move.collection_hold = "promise"
            else:
                move.collection_hold = False

    def action_open_collection_dispute(self):
        self.ensure_one()
        self.env["credit.collection.dispute"].check_access("create")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute"),
            "res_model": "credit.collection.dispute",
            "view_mode": "form",
            "context": {
                "default_partner_id": self.commercial_partner_id.id,
                "default_company_id": self.company_id.id,
                "default_move_ids": [(6, 0, self.ids)],
            },
        }

    def _collection_policy(self):
        """The invoice's policy, as the planning chooses it (credit.collection.run._select_due_items)."""
        self.ensure_one()
        company = self.company_id
        chosen = self.collection_policy_id | self.commercial_partner_id.with_company(company).collection_policy_id
        if self.commercial_partner_id.collection_customer_type == "consumer":
            return (
                chosen.filtered(lambda policy: policy.customer_type == "consumer")[:1]
                or company.collection_policy_consumer_id
                or company.collection_policy_id
            )
        return chosen[:1] or company.collection_policy_id

    @api.depends("collection_action_line_ids.level_id", "collection_action_line_ids.action_id.sent_date")
    def _compute_collection_level(self):
        lines = self.env["credit.collection.action.line"].search([("move_id", "in", self.ids)])
        reached, last = {}, {}
        for line in lines:
            move_id = line.move_id.id
            if move_id not in reached or reached[move_id].delay_days < line.level_id.delay_days:
                reached[move_id] = line.level_id
            sent = line.action_id.sent_date
            if sent and (move_id not in last or last[move_id] < sent.date()):
                last[move_id] = sent.date()
        for move in self:
            move.collection_level_id = reached.get(move.id, False)
            move.collection_last_date = last.get(move.id, False)

    def _search_collection_level(self, operator, value):
        # Odoo 19 hands over "=" as "in" and negates "in" itself for "not in".
        if operator == "not in":
            return NotImplemented
        if operator != "in":
            return Domain("collection_action_line_ids.level_id", operator, value)
        levels = [level for level in value if level]
        domain = Domain("collection_action_line_ids.level_id", "in", levels) if levels else Domain.FALSE
        if False in value:
            domain |= Domain("collection_action_line_ids", "=", False)
        return domain

    @api.depends("invoice_date_due", "collection_level_id", "payment_state", "collection_hold")
    def _compute_collection_next_date(self):
        today = fields.Date.context_today(self)
        proceedings = (
            self.env["credit.collection.insolvency"]
            .sudo()
            .search([("partner_id", "in", self.commercial_partner_id.ids), ("state", "=", "open")])
        )
        openings = {}
        for proceeding in proceedings:
            key = (proceeding.partner_id.id, proceeding.company_id.id)
            openings[key] = min(openings.get(key, proceeding.opening_date), proceeding.opening_date)
        for move in self:
            due = move.invoice_date_due
            move.collection_days_late = (
                (today - due).days if due and due < today and move.payment_state in ("not_paid", "partial") else 0
            )
            next_date = False
            if (
                due
                and move.move_type in ("out_invoice", "out_receipt")
                and move.state == "posted"
                and move.payment_state in ("not_paid", "partial")
                and not move.collection_blocked
                and not move.collection_hold
            ):
                current = move.collection_level_id.delay_days if move.collection_level_id else None
                policy = move._collection_policy()
                opening = openings.get((move.commercial_partner_id.id, move.company_id.id))
                suspended = opening and (move.invoice_date or move.date) < opening
                for level in policy._levels_by_delay() if policy and not suspended else []:
                    if current is None or level.delay_days > current:
                        next_date = due + timedelta(days=level.delay_days)
                        if move.collection_last_date and level.min_gap_days:
                            next_date = max(next_date, move.collection_last_date + timedelta(days=level.min_gap_days))
                        break
            move.collection_next_date = next_date

    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_charge({name for vals in vals_list for name in vals})
        return super().create(vals_list)

    def write(self, vals):
        self._collection_check_charge(vals)
        return super().write(vals)

    def _collection_check_charge(self, names):
        """Only the engine (as the system) marks an invoice as its own charge; the add-ons' fields need
        their group on create too (Odoo checks them on write only)."""
        if self.env.su:
            return
        if "collection_charge" in names:
            raise AccessError(self.env._("Only the collection engine marks an invoice as a collection charge."))
        check_fields_access(self, names, "write")
