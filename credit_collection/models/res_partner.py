from odoo import _, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_policy_id = fields.Many2one(
        "credit.collection.policy", "Dunning policy", company_dependent=True,
        help="Empty: the company's default policy.")
    collection_user_id = fields.Many2one("res.users", "Collector", company_dependent=True)
    collection_blocked = fields.Boolean("Dunning blocked", tracking=True)
    collection_block_reason = fields.Char("Dunning block reason")
    collection_escalated = fields.Boolean(
        "Escalated", help="Left automated dunning: a collector follows the customer.", tracking=True)
    collection_action_ids = fields.One2many("credit.collection.action", "partner_id", "Collection actions")
    collection_overdue_amount = fields.Monetary(
        "Total overdue", compute="_compute_collection_overdue", currency_field="collection_currency_id")
    collection_oldest_days_late = fields.Integer("Days late (oldest)", compute="_compute_collection_overdue")
    collection_currency_id = fields.Many2one("res.currency", compute="_compute_collection_overdue")

    def _compute_collection_overdue(self):
        today = fields.Date.context_today(self)
        company = self.env.company
        groups = self.env["account.move.line"]._read_group(
            [("partner_id", "child_of", self.commercial_partner_id.ids), ("company_id", "=", company.id),
             ("account_type", "=", "asset_receivable"), ("parent_state", "=", "posted"),
             ("reconciled", "=", False), ("date_maturity", "<", today)],
            ["partner_id"], ["amount_residual:sum", "date_maturity:min"],
        )
        by_commercial = {}
        for partner, residual, oldest in groups:
            total, first = by_commercial.get(partner.commercial_partner_id.id, (0.0, oldest))
            by_commercial[partner.commercial_partner_id.id] = (total + residual, min(first, oldest))
        for partner in self:
            total, oldest = by_commercial.get(partner.commercial_partner_id.id, (0.0, None))
            partner.collection_currency_id = company.currency_id
            partner.collection_overdue_amount = total
            partner.collection_oldest_days_late = (today - oldest).days if oldest else 0

    def _collection_escalate(self, action):
        self.ensure_one()
        if self.collection_escalated:
            return
        case = action.case_id or self.env["credit.collection.case"]._get_or_open(self, action.company_id)
        case._escalate(_("the customer left automated dunning after %(level)s with %(amount)s due",
                         level=action.level_id.name, amount=action._format_amount(action.amount_due)))

    def action_open_collection_actions(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_actions")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.ids)]
        action["context"] = {}
        return action

    def action_open_collection_cases(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_cases")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
