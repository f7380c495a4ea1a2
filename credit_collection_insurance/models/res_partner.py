from odoo import api, fields, models

from odoo.addons.credit_collection.models.res_partner import COLLECTION_USER

from .credit_insurance_coverage_report import COVERAGE_STATUS


class ResPartner(models.Model):
    _inherit = "res.partner"

    # The insurer's view of the customer is the collectors' internal data (readme of credit_collection).
    insurance_decision_ids = fields.One2many(
        "credit.insurance.decision", "partner_id", "Coverage decisions", groups=COLLECTION_USER
    )
    insurance_decision_count = fields.Integer(
        "Decisions", compute="_compute_insurance_decision_count", groups=COLLECTION_USER
    )
    insurance_credit_limit_follows = fields.Boolean(
        "Credit limit follows coverage",
        company_dependent=True,
        groups=COLLECTION_USER,
        help="The customer's credit limit is set to the coverage granted by the insurer whenever a "
        "decision changes and at each daily run.",
    )
    insurance_currency_id = fields.Many2one(
        "res.currency", compute="_compute_insurance_matching", groups=COLLECTION_USER
    )
    insurance_decision_id = fields.Many2one(
        "credit.insurance.decision", "Decision in force", compute="_compute_insurance_matching", groups=COLLECTION_USER
    )
    insurance_status = fields.Selection(
        COVERAGE_STATUS, "Coverage", compute="_compute_insurance_matching", groups=COLLECTION_USER
    )
    insurance_coverage_limit = fields.Monetary(
        "Coverage granted",
        compute="_compute_insurance_matching",
        currency_field="insurance_currency_id",
        groups=COLLECTION_USER,
    )
    insurance_outstanding = fields.Monetary(
        "Outstanding",
        compute="_compute_insurance_matching",
        currency_field="insurance_currency_id",
        groups=COLLECTION_USER,
    )
    insurance_covered = fields.Monetary(
        "Covered amount",
        compute="_compute_insurance_matching",
        currency_field="insurance_currency_id",
        groups=COLLECTION_USER,
    )
    insurance_uncovered = fields.Monetary(
        "Uncovered amount",
        compute="_compute_insurance_matching",
        currency_field="insurance_currency_id",
        groups=COLLECTION_USER,
    )
    insurance_over_limit = fields.Monetary(
        "Over the limit",
        compute="_compute_insurance_matching",
        currency_field="insurance_currency_id",
        groups=COLLECTION_USER,
    )

    @api.model
    def _collection_manager_fields(self):
        # A credit limit that follows the insurer is a credit-limit decision: the manager's.
        return super()._collection_manager_fields() | {"insurance_credit_limit_follows"}

    def _compute_insurance_decision_count(self):
        groups = self.env["credit.insurance.decision"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.insurance_decision_count = counts.get(partner.commercial_partner_id.id, 0)

    def _compute_insurance_matching(self):
        company = self.env.company
        partners = self.filtered("id")
        rows = {}
        if partners:
            rows = {
                row["partner_id"]: row
                for row in self.env["credit.insurance.coverage.report"]._match(
                    company, fields.Date.context_today(self), partners
                )
            }
        for partner in self:
            row = rows.get(partner.commercial_partner_id.id, {})
            partner.insurance_currency_id = company.currency_id
            partner.insurance_decision_id = row.get("decision_id", False)
            partner.insurance_status = row.get("status", "not_covered")
            partner.insurance_coverage_limit = row.get("coverage_limit", 0.0)
            partner.insurance_outstanding = row.get("outstanding", 0.0)
            partner.insurance_covered = row.get("covered", 0.0)
            partner.insurance_uncovered = row.get("uncovered", 0.0)
            partner.insurance_over_limit = row.get("over_limit", 0.0)

    def _insurance_sync_credit_limit(self, company, date):
        """Sets Odoo's credit limit of the customers that follow their coverage to the amount granted."""
        partners = self.with_company(company).filtered("insurance_credit_limit_follows")
        if not partners:
            return
        Decision = self.env["credit.insurance.decision"]
        effective = Decision._effective(partners, company, date)
        for partner in partners.sudo():
            decision = Decision.browse(effective.get(partner.id))
            limit = decision._limit_in(company.currency_id, company, date) if decision else 0.0
            if company.currency_id.compare_amounts(partner.credit_limit, limit) != 0:
                partner.credit_limit = limit

    def action_open_insurance_decisions(self):
        self.env["credit.insurance.decision"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection_insurance.action_insurance_decisions")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
