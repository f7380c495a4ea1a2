from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.credit_collection_scoring.models.credit_collection_payer_profile import GRADES

GRADE_RANK = {grade: rank for rank, (grade, _label) in enumerate(GRADES)}


class CreditCollectionSegmentRule(models.Model):
    """A segmentation rule: customers matching every condition get the rule's dunning policy.

    Rules are tried in sequence order, the first that matches wins. Empty conditions match
    everything. The daily run applies them before planning; a customer whose policy was set by hand
    (``collection_policy_manual``) keeps it.
    """

    _name = "credit.collection.segment.rule"
    _description = "Segmentation rule"
    _order = "sequence, id"

    name = fields.Char("Segment", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    policy_id = fields.Many2one(
        "credit.collection.policy",
        "Dunning policy",
        required=True,
        ondelete="cascade",
        domain="[('company_id', '=', company_id)]",
    )
    min_overdue_amount = fields.Monetary("Overdue from", currency_field="currency_id")
    max_overdue_amount = fields.Monetary("Overdue up to", currency_field="currency_id", help="0: no maximum.")
    min_days_late = fields.Integer("Days late from", help="Days late of the customer's oldest overdue invoice.")
    max_days_late = fields.Integer("Days late up to", help="0: no maximum.")
    industry_ids = fields.Many2many("res.partner.industry", string="Sectors", help="Empty: any sector.")
    grade_best = fields.Selection(GRADES, "Risk grade from", help="Best grade of the segment (empty: A).")
    grade_worst = fields.Selection(GRADES, "Risk grade to", help="Worst grade of the segment (empty: E).")
    no_grade = fields.Boolean(
        "Also customers without grade",
        default=True,
        help="Customers without payer profile yet match the grade condition.",
    )
    min_late_share = fields.Float(
        "Paid late at least (%)", help="Payment behaviour: share of the invoices paid late, in percent."
    )
    max_late_share = fields.Float("Paid late at most (%)", default=100.0)
    max_solvency_rating = fields.Integer(
        "Solvency rating up to", help="Customers whose last solvency rating (0-100) is at most this; 0: any."
    )
    partner_count = fields.Integer("Customers", compute="_compute_partner_count")

    @api.constrains("grade_best", "grade_worst", "policy_id", "company_id")
    def _check_rule(self):
        for rule in self:
            if rule.grade_best and rule.grade_worst and GRADE_RANK[rule.grade_best] > GRADE_RANK[rule.grade_worst]:
                raise ValidationError(self.env._("Rule %s: the best grade comes after the worst one.", rule.name))
            if rule.policy_id.company_id != rule.company_id:
                raise ValidationError(self.env._("Rule %s: the policy belongs to another company.", rule.name))

    def _compute_partner_count(self):
        counts = {}
        if self.ids:
            self.env["res.partner"].flush_model(["collection_segment_rule_id"])
            # The segment is company-dependent: a JSONB column keyed by company id.
            self.env.cr.execute(
                """
                SELECT r.id, COUNT(*) FROM credit_collection_segment_rule r
                  JOIN res_partner p ON (p.collection_segment_rule_id ->> r.company_id::text)::int = r.id
                 WHERE r.id = ANY(%s) GROUP BY r.id
            """,
                [self.ids],
            )
            counts = dict(self.env.cr.fetchall())
        for rule in self:
            rule.partner_count = counts.get(rule.id, 0)

    def action_open_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_risk_customers")
        action["domain"] = [("collection_segment_rule_id", "=", self.id)]
        action["context"] = {"allowed_company_ids": [self.company_id.id]}
        return action

    @api.model
    def _apply_company(self, company, date=None):
        """Assigns the policies of the company's rules to its customers with open receivables.

        One query selects, for each customer, the first matching rule; the changes are then written
        in bulk, one write per policy. Returns the number of customers whose policy changed.
        """
        date = date or fields.Date.context_today(self)
        Partner = self.env["res.partner"]
        self.env.flush_all()
        # PostgreSQL misestimates the JSONB tests and compiles the query (JIT, 4 s on 200,000 invoices) to
        # run it in 0.3 s: a one-shot aggregate gains nothing from it.
        self.env.cr.execute("SET LOCAL jit = off")
        query, params = self._match_query(company, date)
        self.env.cr.execute(query, params)
        changes = {}
        for partner_id, _current, rule_id, policy_id in self.env.cr.fetchall():
            changes.setdefault((rule_id, policy_id), []).append(partner_id)
        Partner = Partner.with_company(company).with_context(collection_segmentation=True)
        for (rule_id, policy_id), partner_ids in changes.items():
            Partner.browse(partner_ids).write(
                {"collection_segment_rule_id": rule_id or False, "collection_policy_id": policy_id or False}
            )
        # The engine's planning query reads these JSONB columns right after.
        Partner.flush_model(["collection_segment_rule_id", "collection_policy_id"])
        return sum(len(ids) for ids in changes.values())

    # ------------------------------------------------------------------ the matching query, in parts
    # Another add-on adds facts about the customers and conditions on them by overriding these methods
    # (with super()): the query is never edited as a string.
    @api.model
    def _match_fact_columns(self):
        """SQL expressions of the facts a rule tests, over ``c`` (customers), ``cp`` (their partner)."""
        return [
            "cp.industry_id",
            "cp.collection_customer_type AS customer_type",
            "pr.grade",
            "pr.late_share",
            "sol.rating AS solvency_rating",
        ]

    @api.model
    def _match_fact_joins(self):
        """Joins adding facts to ``c`` (``c.partner_id``: the commercial partner): its payer profile and its
        last solvency rating in the company."""
        return [
            """LEFT JOIN credit_collection_payer_profile pr
                    ON pr.partner_id = c.partner_id AND pr.company_id = %(company)s""",
            """LEFT JOIN LATERAL (
                    SELECT r.rating FROM credit_collection_solvency_report r
                     WHERE r.partner_id = c.partner_id AND r.company_id = %(company)s AND r.state = 'ok'
                  ORDER BY r.date DESC, r.id DESC LIMIT 1) sol ON TRUE""",
        ]

    @api.model
    def _match_fact_group_by(self):
        return ["cp.industry_id", "cp.collection_customer_type", "pr.grade", "pr.late_share", "sol.rating"]

    @api.model
    def _match_conditions(self):
        """SQL conditions a rule ``r`` must meet for the facts ``f`` of a customer."""
        return [
            # a consumer only gets consumer policies (and a professional professional ones)
            "pol.customer_type = COALESCE(f.customer_type, 'professional')",
            "f.overdue >= COALESCE(r.min_overdue_amount, 0)",
            "(COALESCE(r.max_overdue_amount, 0) = 0 OR f.overdue <= r.max_overdue_amount)",
            "f.days_late >= COALESCE(r.min_days_late, 0)",
            "(COALESCE(r.max_days_late, 0) = 0 OR f.days_late <= r.max_days_late)",
            """(NOT EXISTS (SELECT 1 FROM credit_collection_segment_rule_res_partner_industry_rel ri
                             WHERE ri.credit_collection_segment_rule_id = r.id)
                OR f.industry_id IN (SELECT ri.res_partner_industry_id
                                       FROM credit_collection_segment_rule_res_partner_industry_rel ri
                                      WHERE ri.credit_collection_segment_rule_id = r.id))""",
            """(CASE WHEN f.grade IS NULL THEN r.no_grade
                     ELSE f.grade >= COALESCE(r.grade_best, 'A') AND f.grade <= COALESCE(r.grade_worst, 'E') END)""",
            "(COALESCE(r.min_late_share, 0) = 0 OR COALESCE(f.late_share, 0) * 100 >= r.min_late_share)",
            "(f.late_share IS NULL OR f.late_share * 100 <= COALESCE(r.max_late_share, 100) + 1e-9)",
            "(COALESCE(r.max_solvency_rating, 0) = 0"
            " OR (f.solvency_rating IS NOT NULL AND f.solvency_rating <= r.max_solvency_rating))",
        ]

    @api.model
    def _match_params(self, company, date):
        return {"company": company.id, "company_key": str(company.id), "date": date}

    @api.model
    def _match_query(self, company, date):
        """The query giving, for each customer whose segment changes, its new rule and policy."""
        # Company-dependent values are JSONB columns of res_partner keyed by company id.
        query = """
            WITH manual AS (
                SELECT id AS partner_id FROM res_partner
                 WHERE (collection_policy_manual ->> %(company_key)s)::boolean
            ), segmented AS (
                SELECT id AS partner_id, (collection_segment_rule_id ->> %(company_key)s)::int AS rule_id
                  FROM res_partner
                 WHERE collection_segment_rule_id ->> %(company_key)s IS NOT NULL
            ), customers AS (
                SELECT p.commercial_partner_id AS partner_id,
                       COALESCE(SUM(l.amount_residual) FILTER (WHERE l.date_maturity < %(date)s), 0) AS overdue,
                       COALESCE(MAX(%(date)s::date - l.date_maturity)
                                FILTER (WHERE l.date_maturity < %(date)s), 0) AS days_late
                  FROM account_move_line l
                  JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
                  JOIN res_partner p ON p.id = l.partner_id
                 WHERE l.company_id = %(company)s AND l.parent_state = 'posted'
                   AND l.reconciled IS NOT TRUE AND l.amount_residual > 0
              GROUP BY p.commercial_partner_id
                 UNION
                SELECT partner_id, 0, 0 FROM segmented
            ), facts AS (
                SELECT c.partner_id, MAX(c.overdue) AS overdue, MAX(c.days_late) AS days_late, {columns}
                  FROM customers c
                  JOIN res_partner cp ON cp.id = c.partner_id
                  {joins}
                 WHERE c.partner_id NOT IN (SELECT partner_id FROM manual)
              GROUP BY c.partner_id, {group_by}
            )
            SELECT f.partner_id, s.rule_id AS current_rule, rule.id AS rule_id, rule.policy_id
              FROM facts f
         LEFT JOIN segmented s ON s.partner_id = f.partner_id
         LEFT JOIN LATERAL (
                    SELECT r.id, r.policy_id FROM credit_collection_segment_rule r
                      JOIN credit_collection_policy pol ON pol.id = r.policy_id
                     WHERE r.company_id = %(company)s AND r.active
                       AND {conditions}
                  ORDER BY r.sequence, r.id LIMIT 1
                   ) rule ON TRUE
             WHERE rule.id IS DISTINCT FROM s.rule_id
        """.format(
            columns=", ".join(self._match_fact_columns()),
            joins="\n".join(self._match_fact_joins()),
            group_by=", ".join(self._match_fact_group_by()),
            conditions="\n                       AND ".join(self._match_conditions()),
        )
        return query, self._match_params(company, date)
