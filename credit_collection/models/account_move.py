from datetime import timedelta

from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    collection_policy_id = fields.Many2one(
        "credit.collection.policy", "Dunning policy", copy=False,
        help="Overrides the customer's policy for this invoice.")
    collection_blocked = fields.Boolean("Dunning blocked", copy=False, tracking=True)
    collection_block_reason = fields.Char("Dunning block reason", copy=False)
    # Derived from the reminder items rather than stored: writing them back on every invoice a run
    # touches would cost more than the whole rest of the planning.
    collection_level_id = fields.Many2one(
        "credit.collection.level", "Dunning level", compute="_compute_collection_level",
        search="_search_collection_level")
    collection_last_date = fields.Date("Last reminder", compute="_compute_collection_level")
    collection_next_date = fields.Date("Next reminder", compute="_compute_collection_next_date")
    collection_action_line_ids = fields.One2many("credit.collection.action.line", "move_id", "Reminder history")
    collection_days_late = fields.Integer("Days late", compute="_compute_collection_next_date")

    def _collection_policy(self):
        self.ensure_one()
        return (self.collection_policy_id
                or self.commercial_partner_id.with_company(self.company_id).collection_policy_id
                or self.company_id.collection_policy_id)

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
        if operator in ("=", "!=") and not value:
            return [("collection_action_line_ids", "=" if operator == "=" else "!=", False)]
        return [("collection_action_line_ids.level_id", operator, value)]

    @api.depends("invoice_date_due", "collection_level_id", "payment_state")
    def _compute_collection_next_date(self):
        today = fields.Date.context_today(self)
        for move in self:
            due = move.invoice_date_due
            move.collection_days_late = (today - due).days if due and due < today and move.payment_state in (
                "not_paid", "partial") else 0
            next_date = False
            if due and move.move_type in ("out_invoice", "out_receipt") and move.state == "posted" \
                    and move.payment_state in ("not_paid", "partial") and not move.collection_blocked:
                current = move.collection_level_id.delay_days if move.collection_level_id else None
                policy = move._collection_policy()
                for level in policy._levels_by_delay() if policy else []:
                    if current is None or level.delay_days > current:
                        next_date = due + timedelta(days=level.delay_days)
                        break
            move.collection_next_date = next_date


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def init(self):
        super().init()
        # The engine's selection: open receivable items of a company by due date.
        self.env.cr.execute("""
            CREATE INDEX IF NOT EXISTS credit_collection_open_receivable_idx
                ON account_move_line (company_id, date_maturity, account_id)
             WHERE reconciled IS NOT TRUE AND parent_state = 'posted' AND amount_residual > 0
        """)


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        lines = partials.debit_move_id | partials.credit_move_id
        lines.flush_recordset(["reconciled", "amount_residual"])
        self.env["credit.collection.action"]._cancel_for_paid_items(lines)
        return partials
