from odoo import api, fields, models
from odoo.fields import Domain

from .credit_collection_payer_profile import GRADES

COLLECTION_USER = "credit_collection.group_collection_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_profile_ids = fields.One2many(
        "credit.collection.payer.profile", "partner_id", "Payer profiles", groups=COLLECTION_USER
    )
    collection_risk_score = fields.Float(
        "Payer score",
        compute="_compute_collection_risk",
        search="_search_collection_risk_score",
        digits=(5, 1),
        compute_sudo=True,
        groups=COLLECTION_USER,
    )
    collection_risk_grade = fields.Selection(
        GRADES,
        "Risk grade",
        compute="_compute_collection_risk",
        search="_search_collection_risk_grade",
        compute_sudo=True,
        groups=COLLECTION_USER,
    )
    collection_late_probability = fields.Float(
        "Late payment probability",
        compute="_compute_collection_risk",
        digits=(5, 3),
        compute_sudo=True,
        groups=COLLECTION_USER,
    )
    collection_profile_id = fields.Many2one(
        "credit.collection.payer.profile", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER
    )
    collection_avg_days_late = fields.Float(
        "Average days late",
        compute="_compute_collection_risk",
        digits=(8, 1),
        compute_sudo=True,
        groups=COLLECTION_USER,
    )
    collection_late_share = fields.Float(
        "Share paid late", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER
    )
    collection_overdue_ratio = fields.Float(
        "Overdue ratio", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER
    )
    collection_risk_trend = fields.Float(
        "Trend (days)", compute="_compute_collection_risk", digits=(8, 1), compute_sudo=True, groups=COLLECTION_USER
    )
    collection_dispute_count = fields.Integer(
        "Disputes", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER
    )
    collection_broken_promise_count = fields.Integer(
        "Broken promises", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER
    )
    collection_risk_date = fields.Date(
        "Scored on", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER
    )

    @api.depends_context("company")
    def _compute_collection_risk(self):
        profiles = (
            self.env["credit.collection.payer.profile"]
            .sudo()
            .search([("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", self.env.company.id)])
        )
        by_partner = {profile.partner_id.id: profile for profile in profiles}
        for partner in self:
            profile = by_partner.get(partner.commercial_partner_id.id)
            partner.collection_profile_id = profile
            partner.collection_risk_score = profile.score if profile else 0.0
            partner.collection_risk_grade = profile.grade if profile else False
            partner.collection_late_probability = profile.late_probability if profile else 0.0
            partner.collection_avg_days_late = profile.avg_days_late if profile else 0.0
            partner.collection_late_share = profile.late_share if profile else 0.0
            partner.collection_overdue_ratio = profile.overdue_ratio if profile else 0.0
            partner.collection_risk_trend = profile.trend if profile else 0.0
            partner.collection_dispute_count = profile.dispute_count if profile else 0
            partner.collection_broken_promise_count = profile.broken_promise_count if profile else 0
            partner.collection_risk_date = profile.date if profile else False

    def _collection_profile_domain(self, condition):
        profiles = (
            self.env["credit.collection.payer.profile"]
            .sudo()
            ._search(Domain("company_id", "=", self.env.company.id) & Domain(*condition))
        )
        return Domain("commercial_partner_id", "in", profiles.subselect("partner_id"))

    def _search_collection_risk_grade(self, operator, value):
        if operator != "in":  # the ORM negates "in" for "not in"
            return NotImplemented
        grades = [grade for grade in value if grade]
        domain = self._collection_profile_domain(("grade", "in", grades)) if grades else Domain.FALSE
        if False in value:  # no grade: no payer profile in the company
            domain |= ~self._collection_profile_domain(("grade", "!=", False))
        return domain

    def _search_collection_risk_score(self, operator, value):
        if operator == "not in":
            return NotImplemented
        return self._collection_profile_domain(("score", operator, value))
