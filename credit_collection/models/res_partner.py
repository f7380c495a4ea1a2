from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools.misc import formatLang

from ..tools.field_access import check_domain_field_access, check_fields_access, is_addon_field
from ..tools.i18n import selection_label
from .credit_collection_case_transfer import THIRD_PARTY_ROLES
from .credit_collection_insolvency import PROCEDURES as INSOLVENCY_PROCEDURES
from .credit_collection_payer_profile import GRADES
from .credit_collection_policy import CUSTOMER_TYPES
from .credit_collection_solvency_provider import SOLVENCY_STATUSES

COLLECTION_USER = "credit_collection.group_collection_user"
COLLECTION_MANAGER = "credit_collection.group_collection_manager"


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Every field below is the collectors' internal data: readable by collection users only
    # (readme/CONFIGURE.md, "Roles and rights"); the sale bridge opens the risk summary to sales people.
    collection_policy_id = fields.Many2one(
        "credit.collection.policy", "Dunning policy", company_dependent=True, groups=COLLECTION_USER,
        help="Empty: the company's default policy (its policy for consumers, for a consumer).")
    collection_user_id = fields.Many2one("res.users", "Collector", company_dependent=True, groups=COLLECTION_USER)
    collection_customer_type = fields.Selection(
        CUSTOMER_TYPES, "Customer type", compute="_compute_collection_customer_type", store=True, readonly=False,
        recursive=True, groups=COLLECTION_USER,
        help="A consumer is a person without VAT number nor company ID (SIREN): a sole trader with a SIREN is "
             "a professional. Set by hand when the rule guesses wrong. Consumers get the consumer dunning "
             "policy, wording and limitation period (2 years, article L218-2 of the Code de la consommation).")
    collection_insolvency_ids = fields.One2many(
        "credit.collection.insolvency", "partner_id", "Insolvency proceedings",
        groups=COLLECTION_USER)
    collection_insolvency_id = fields.Many2one(
        "credit.collection.insolvency", "Open insolvency proceedings", compute="_compute_collection_insolvency",
        groups=COLLECTION_USER)
    collection_insolvency_procedure = fields.Selection(
        INSOLVENCY_PROCEDURES, "Insolvency", compute="_compute_collection_insolvency",
        groups=COLLECTION_USER)
    collection_blocked = fields.Boolean("Dunning blocked", tracking=True, copy=False, groups=COLLECTION_USER)
    collection_block_reason = fields.Char("Dunning block reason", tracking=True, copy=False, groups=COLLECTION_USER)
    collection_escalated = fields.Boolean(
        "Escalated", help="Left automated dunning: a collector follows the customer.", tracking=True, copy=False,
        groups=COLLECTION_USER)
    collection_third_party_role = fields.Selection(
        THIRD_PARTY_ROLES, "Collection role", copy=False, groups=COLLECTION_USER,
        help="A third party cases can be transferred to: collection agency, lawyer (avocat), "
             "bailiff (commissaire de justice / huissier).")
    collection_action_ids = fields.One2many(
        "credit.collection.action", "partner_id", "Collection actions", groups=COLLECTION_USER)
    # compute_sudo: sales people read the overdue amount without reading the collection models.
    collection_overdue_amount = fields.Monetary(
        "Total overdue", compute="_compute_collection_overdue", currency_field="collection_currency_id",
        compute_sudo=True, groups=COLLECTION_USER)
    collection_oldest_days_late = fields.Integer(
        "Days late (oldest)", compute="_compute_collection_overdue", compute_sudo=True, groups=COLLECTION_USER)
    collection_currency_id = fields.Many2one(
        "res.currency", compute="_compute_collection_overdue", compute_sudo=True, groups="base.group_user")

    @api.depends("is_company", "vat", "company_registry", "parent_id.collection_customer_type")
    def _compute_collection_customer_type(self):
        for partner in self:
            if partner.parent_id:  # a contact or an address: the type of what it belongs to
                partner.collection_customer_type = partner.parent_id.collection_customer_type
                continue
            professional = partner.is_company or partner.vat or partner.company_registry
            partner.collection_customer_type = "professional" if professional else "consumer"

    def _collection_is_consumer(self):
        self.ensure_one()
        return self.commercial_partner_id.collection_customer_type == "consumer"

    @api.depends_context("company")
    def _compute_collection_insolvency(self):
        open_proceedings = self.env["credit.collection.insolvency"].search([
            ("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", self.env.company.id),
            ("state", "=", "open")], order="opening_date")
        by_partner = {}
        for proceeding in open_proceedings:
            by_partner.setdefault(proceeding.partner_id.id, proceeding)
        for partner in self:
            proceeding = by_partner.get(partner.commercial_partner_id.id)
            partner.collection_insolvency_id = proceeding
            partner.collection_insolvency_procedure = proceeding.procedure if proceeding else False

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

    # ------------------------------------------------------------------ rights
    @property
    def _mail_post_access(self):
        # Collectors note calls and reminders and plan activities on the customers they may read,
        # without the right to edit contacts; mail reads this attribute for messages and activities.
        return "read" if self.env.user.has_group(COLLECTION_USER) else "write"

    @api.model
    def _collection_manager_fields(self):
        """Collection controls of a customer only a Collection Manager sets (collectors block dunning
        through their button; the engine writes them as the system)."""
        return {"collection_policy_id", "collection_policy_manual", "collection_user_id", "collection_credit_group_id",
                "collection_segment_rule_id", "collection_solvency_monitored", "collection_proposed_limit",
                "collection_third_party_role"}

    def _collection_check_write(self, names):
        """``names`` are fields about to be written: the add-ons' fields need their group (Odoo checks
        it on write, not on create) and the manager's fields the Collection Manager group."""
        if self.env.su:
            return
        collection_fields = [name for name in names if name in self._fields and is_addon_field(self._fields[name])]
        check_fields_access(self, collection_fields, "write")
        reserved = self._collection_manager_fields().intersection(names)
        if reserved and not self.env.user.has_group(COLLECTION_MANAGER):
            raise AccessError(_("Only a Collection Manager can change %s on a customer.", ", ".join(
                sorted(self._fields[name]._description_string(self.env) for name in reserved))))

    @api.model_create_multi
    def create(self, vals_list):
        self._collection_check_write({name for vals in vals_list for name in vals})
        return super().create(vals_list)

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, *, active_test=True, bypass_access=False):
        check_domain_field_access(self, domain, bypass_access)
        return super()._search(domain, offset=offset, limit=limit, order=order,
                               active_test=active_test, bypass_access=bypass_access)

    def _collection_check_collector(self):
        if not self.env.su and not self.env.user.has_group(COLLECTION_USER):
            raise AccessError(_("Only collectors can block or resume the dunning of a customer."))

    def action_collection_block(self):
        """Opens the dialog that asks why the dunning of the customers is blocked."""
        self._collection_check_collector()
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_block")
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action

    def action_collection_unblock(self):
        self._collection_set_blocked(False)
        return True

    def _collection_set_blocked(self, reason):
        """Blocks the dunning of the customers with ``reason``, or resumes it (``reason`` False).

        A collector may block the customers it can read, without the right to edit contacts: the
        flag is written by the system once that is checked. The change is tracked on the customer in
        the collector's name, seen by collection users only (the fields' group), not by sales people.
        """
        self._collection_check_collector()
        self.check_access("read")
        self.commercial_partner_id.sudo().write(
            {"collection_blocked": bool(reason), "collection_block_reason": reason or False})

    def _collection_escalate(self, action):
        self.ensure_one()
        if self.collection_escalated:
            return
        case = action.case_id or self.env["credit.collection.case"]._get_or_open(self, action.company_id)
        case._escalate(_("the customer left automated dunning after %(level)s with %(amount)s due",
                         level=action.level_id.name, amount=action._format_amount(action.amount_due)))

    def action_open_collection_actions(self):
        self.env["credit.collection.action"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_actions")
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.ids)]
        action["context"] = {}
        return action

    def action_open_collection_insolvency(self):
        self.env["credit.collection.insolvency"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_insolvencies")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_open_collection_cases(self):
        self.env["credit.collection.case"].check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection.action_collection_cases")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action


# Not merged with the other extension of res.partner: credit risk becomes its own add-ons (issue 16).
class ResPartnerRisk(models.Model):
    """Credit risk of a customer: limits and exposure, payer profile, segment, solvency."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ credit limit and exposure
    collection_credit_group_id = fields.Many2one(
        "credit.collection.credit.group", "Credit group", company_dependent=True, groups=COLLECTION_USER,
        help="Commercial group sharing one credit limit with other customers.")
    collection_exposure = fields.Monetary(
        "Exposure", compute="_compute_collection_exposure", currency_field="collection_currency_id",
        compute_sudo=True, groups=COLLECTION_USER,
        help="Open receivables plus what is ordered and not invoiced yet.")
    collection_group_exposure = fields.Monetary(
        "Group exposure", compute="_compute_collection_exposure", currency_field="collection_currency_id",
        compute_sudo=True, groups=COLLECTION_USER)
    collection_group_credit_limit = fields.Monetary(
        "Group credit limit", related="collection_credit_group_id.credit_limit", currency_field="collection_currency_id",
        groups=COLLECTION_USER)
    # ------------------------------------------------------------------ payer profile (per company)
    collection_profile_ids = fields.One2many(
        "credit.collection.payer.profile", "partner_id", "Payer profiles", groups=COLLECTION_USER)
    collection_risk_score = fields.Float(
        "Payer score", compute="_compute_collection_risk", search="_search_collection_risk_score", digits=(5, 1),
        compute_sudo=True, groups=COLLECTION_USER)
    collection_risk_grade = fields.Selection(
        GRADES, "Risk grade", compute="_compute_collection_risk", search="_search_collection_risk_grade",
        compute_sudo=True, groups=COLLECTION_USER)
    collection_late_probability = fields.Float(
        "Late payment probability", compute="_compute_collection_risk", digits=(5, 3), compute_sudo=True,
        groups=COLLECTION_USER)
    collection_profile_id = fields.Many2one(
        "credit.collection.payer.profile", compute="_compute_collection_risk", compute_sudo=True,
        groups=COLLECTION_USER)
    collection_avg_days_late = fields.Float(
        "Average days late", compute="_compute_collection_risk", digits=(8, 1), compute_sudo=True,
        groups=COLLECTION_USER)
    collection_late_share = fields.Float(
        "Share paid late", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER)
    collection_overdue_ratio = fields.Float(
        "Overdue ratio", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER)
    collection_risk_trend = fields.Float(
        "Trend (days)", compute="_compute_collection_risk", digits=(8, 1), compute_sudo=True, groups=COLLECTION_USER)
    collection_dispute_count = fields.Integer(
        "Disputes", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER)
    collection_broken_promise_count = fields.Integer(
        "Broken promises", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER)
    collection_risk_date = fields.Date(
        "Scored on", compute="_compute_collection_risk", compute_sudo=True, groups=COLLECTION_USER)
    # ------------------------------------------------------------------ segmentation
    collection_policy_manual = fields.Boolean(
        "Policy set by hand", company_dependent=True, groups=COLLECTION_USER,
        help="Segmentation rules leave the dunning policy of this customer alone. Set when the policy is "
             "chosen by hand.")
    # Not readonly (nor the proposed limit): Odoo stores no value of a readonly company-dependent field.
    collection_segment_rule_id = fields.Many2one(
        "credit.collection.segment.rule", "Segment", company_dependent=True, groups=COLLECTION_USER,
        help="The segmentation rule that chose the customer's dunning policy.")
    # ------------------------------------------------------------------ solvency
    collection_solvency_monitored = fields.Boolean(
        "Solvency monitored", company_dependent=True, groups=COLLECTION_USER,
        help="The monitoring refreshes the customer's solvency every day and alerts on changes.")
    collection_proposed_limit = fields.Float(
        "Proposed credit limit", company_dependent=True, groups=COLLECTION_USER,
        help="The provider's recommended limit, when it differs from the current credit limit.")
    collection_solvency_report_ids = fields.One2many(
        "credit.collection.solvency.report", "partner_id", "Solvency reports", groups=COLLECTION_USER)
    collection_solvency_rating = fields.Integer(
        "Solvency rating", compute="_compute_collection_solvency", groups=COLLECTION_USER)
    collection_solvency_limit = fields.Monetary(
        "Recommended limit", compute="_compute_collection_solvency", currency_field="collection_currency_id",
        groups=COLLECTION_USER)
    collection_solvency_status = fields.Selection(
        SOLVENCY_STATUSES, "Solvency status", compute="_compute_collection_solvency", groups=COLLECTION_USER)
    collection_solvency_date = fields.Datetime(
        "Solvency checked on", compute="_compute_collection_solvency", groups=COLLECTION_USER)

    def write(self, vals):
        self._collection_check_write(vals)
        if "collection_policy_id" in vals and "collection_policy_manual" not in vals \
                and not self.env.context.get("collection_segmentation"):
            vals = dict(vals, collection_policy_manual=bool(vals["collection_policy_id"]),
                        collection_segment_rule_id=False)
        result = super().write(vals)
        if "collection_credit_group_id" in vals:
            # The groups' members are searched, not stored: forget those already read.
            self.env["credit.collection.credit.group"].invalidate_model(["partner_ids", "partner_count", "exposure"])
        return result

    @api.depends_context("company")
    def _compute_collection_exposure(self):
        company = self.env.company
        partners = self.commercial_partner_id
        exposures = self._collection_exposures(company, partners)
        groups = partners.collection_credit_group_id
        group_exposure = {group.id: group.exposure for group in groups}
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.collection_exposure = exposures.get(commercial.id, 0.0)
            partner.collection_group_exposure = group_exposure.get(commercial.collection_credit_group_id.id, 0.0)

    @api.model
    def _collection_open_receivables(self, company, partners):
        """{commercial partner id: open receivable balance in company currency}."""
        if not partners:
            return {}
        self.env["account.move.line"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute("""
            SELECT p.commercial_partner_id, SUM(l.amount_residual)
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.company_id = %s AND l.parent_state = 'posted' AND l.reconciled IS NOT TRUE
               AND p.commercial_partner_id = ANY(%s)
          GROUP BY p.commercial_partner_id
        """, [company.id, partners.commercial_partner_id.ids])
        return dict(self.env.cr.fetchall())

    @api.model
    def _collection_uninvoiced(self, company, partners):
        """{commercial partner id: amount committed but not invoiced yet}; the sale bridge fills it."""
        return {}

    @api.model
    def _collection_exposures(self, company, partners, reliefs=None):
        """{commercial partner id: exposure}; ``reliefs`` are uninvoiced amounts a document being
        posted turns into receivables (not to be counted twice)."""
        partners = partners.commercial_partner_id
        receivables = self._collection_open_receivables(company, partners)
        uninvoiced = self._collection_uninvoiced(company, partners)
        reliefs = reliefs or {}
        return {partner.id: receivables.get(partner.id, 0.0)
                + max(uninvoiced.get(partner.id, 0.0) - reliefs.get(partner.id, 0.0), 0.0)
                for partner in partners}

    @api.model
    def _collection_credit_breaches(self, company, amounts, reliefs=None):
        """The limits a document would break: ``amounts`` is {commercial partner: amount it adds}.

        Returns a list of dicts (partner, group, scope, limit, exposure, amount). The customer's
        limit is Odoo's own ``credit_limit`` (0: none); the group's is its ``credit_limit``.
        """
        currency = company.currency_id
        partners = self.browse([partner.id for partner in amounts]).with_company(company).sudo()
        exposures = self._collection_exposures(company, partners, reliefs)
        breaches = []
        for partner in partners:
            amount = amounts[partner]
            after = exposures.get(partner.id, 0.0) + amount
            if partner.credit_limit and currency.compare_amounts(after, partner.credit_limit) > 0:
                breaches.append({"partner": partner, "group": partner.collection_credit_group_id, "scope": "partner",
                                 "limit": partner.credit_limit, "exposure": after, "amount": amount})
        by_group = {}
        for partner in partners:
            if partner.collection_credit_group_id.credit_limit:
                by_group.setdefault(partner.collection_credit_group_id, []).append(partner)
        for group, members in by_group.items():
            others = group.sudo().partner_ids - self.browse([member.id for member in members])
            after = sum(self._collection_exposures(company, others).values()) + sum(
                exposures.get(member.id, 0.0) + amounts[member] for member in members)
            if currency.compare_amounts(after, group.credit_limit) > 0:
                breaches.append({"partner": members[0], "group": group, "scope": "group", "limit": group.credit_limit,
                                 "exposure": after, "amount": sum(amounts[member] for member in members)})
        return breaches

    @api.model
    def _collection_breach_message(self, company, breach):
        money = lambda value: formatLang(self.env, value, currency_obj=company.currency_id)  # noqa: E731
        if breach["scope"] == "group":
            return _("Credit group %(group)s: exposure %(exposure)s would exceed its credit limit of %(limit)s.",
                     group=breach["group"].name, exposure=money(breach["exposure"]), limit=money(breach["limit"]))
        return _("%(customer)s: exposure %(exposure)s would exceed its credit limit of %(limit)s.",
                 customer=breach["partner"].name, exposure=money(breach["exposure"]), limit=money(breach["limit"]))

    @api.model
    def _collection_check_credit(self, company, amounts, document, reliefs=None):
        """Warns, blocks or logs a manager's override when ``document`` breaks a credit limit.

        ``amounts``: {commercial partner: amount in company currency the document adds}. Only when
        the company uses credit limits (Odoo's own setting). With the context key
        ``collection_credit_override`` a Collection Manager lets a blocked document through; the
        override is logged (who, when, amount) and posted on the document and the customer.
        """
        if not company.account_use_credit_limit or not amounts:
            return []
        breaches = self._collection_credit_breaches(company, amounts, reliefs)
        if not breaches:
            return []
        text = "\n".join(self._collection_breach_message(company, breach) for breach in breaches)
        override = self.env.context.get("collection_credit_override")
        if company.collection_credit_limit_mode == "block":
            if not override:
                raise UserError(_("%(document)s cannot be confirmed:\n%(reasons)s\n"
                                  "A Collection Manager can let it through with \"Override credit limit\".",
                                  document=", ".join(document.mapped("display_name")), reasons=text))
            self._collection_check_override_right()
            self.env["credit.collection.credit.override"].sudo().create([{
                "company_id": company.id, "partner_id": breach["partner"].id,
                "credit_group_id": breach["group"].id, "user_id": self.env.user.id, "res_model": document._name,
                "res_id": document[:1].id, "document": ", ".join(document.mapped("display_name")),
                "amount": breach["amount"],
                "exposure": breach["exposure"], "credit_limit": breach["limit"], "scope": breach["scope"],
            } for breach in breaches])
            body = _("Credit limit overridden by %(user)s: %(reasons)s", user=self.env.user.name, reasons=text)
            for partner in {breach["partner"] for breach in breaches}:
                partner.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        else:
            body = _("Credit limit warning: %s", text)
        for record in document.sudo():
            record.message_post(body=body, subtype_xmlid="mail.mt_note")
        return breaches

    @api.model
    def _collection_check_override_right(self):
        if not self.env.su and not self.env.user.has_group(COLLECTION_MANAGER):
            raise AccessError(_("Only a Collection Manager can override a credit limit."))

    # ------------------------------------------------------------------ payer profile
    @api.depends_context("company")
    def _compute_collection_risk(self):
        profiles = self.env["credit.collection.payer.profile"].sudo().search([
            ("partner_id", "in", self.commercial_partner_id.ids), ("company_id", "=", self.env.company.id)])
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
        profiles = self.env["credit.collection.payer.profile"].sudo()._search(
            Domain("company_id", "=", self.env.company.id) & Domain(*condition))
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

    # ------------------------------------------------------------------ solvency
    @api.depends_context("company")
    def _compute_collection_solvency(self):
        latest = self.env["credit.collection.solvency.report"].sudo()._latest(
            self.commercial_partner_id, self.env.company)
        for partner in self:
            report = latest.get(partner.commercial_partner_id.id)
            partner.collection_solvency_rating = report.rating if report else 0
            partner.collection_solvency_limit = report.recommended_limit if report else 0.0
            partner.collection_solvency_status = report.status if report else False
            partner.collection_solvency_date = report.date if report else False

    def _collection_solvency_refresh(self, provider):
        """Looks the customer up, keeps the report, proposes a limit and alerts on a change."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(provider.company_id)
        Report = self.env["credit.collection.solvency.report"].sudo()
        previous = Report._latest(partner, provider.company_id).get(partner.id)
        report = provider._lookup(partner)
        if report.state != "ok":
            return report
        currency = provider.company_id.currency_id
        if currency.compare_amounts(report.recommended_limit, partner.sudo().credit_limit) != 0:
            partner.sudo().write({"collection_proposed_limit": report.recommended_limit})
        if previous and report._differs_from(previous):
            report.changed = True
            partner._collection_solvency_alert(provider, previous, report)
        return report

    def _collection_solvency_alert(self, provider, previous, report):
        money = lambda value: formatLang(self.env, value, currency_obj=report.currency_id)  # noqa: E731
        user = self.collection_user_id or provider.alert_user_id or self.env["res.users"].search([
            ("all_group_ids", "in", self.env.ref("credit_collection.group_collection_manager").id),
            ("company_ids", "in", provider.company_id.id), ("share", "=", False), ("id", "!=", 1)], limit=1)
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=_("Solvency changed: %s", self.name),
            note=_("Rating %(old_rating)s -> %(rating)s, recommended limit %(old_limit)s -> %(limit)s, "
                   "status %(old_status)s -> %(status)s (provider %(provider)s).",
                   old_rating=previous.rating, rating=report.rating,
                   old_limit=money(previous.recommended_limit), limit=money(report.recommended_limit),
                   old_status=selection_label(previous, "status"), status=selection_label(report, "status"),
                   provider=provider.name),
            user_id=(user or self.env.user).id,
        )

    @api.model
    def _collection_solvency_monitor(self, company):
        """Refreshes every monitored customer of the company; a failure does not stop the batch."""
        provider = company.collection_solvency_provider_id
        partners = self.with_company(company).search([
            ("collection_solvency_monitored", "=", True), ("is_company", "=", True)])
        reports = self.env["credit.collection.solvency.report"]
        for partner in partners:
            try:
                with self.env.cr.savepoint():
                    reports |= partner._collection_solvency_refresh(provider)
            except UserError as error:
                partner.sudo().message_post(body=_("Solvency monitoring: %s", error.args[0]),
                                            subtype_xmlid="mail.mt_note")
        return reports

    def action_collection_solvency_lookup(self):
        self.ensure_one()
        self.env["credit.collection.solvency.report"].check_access("read")
        provider = self.env.company.collection_solvency_provider_id
        if not provider:
            raise UserError(_("Choose a solvency provider in the settings first."))
        report = self._collection_solvency_refresh(provider)
        if report.state == "error":
            return {"type": "ir.actions.client", "tag": "display_notification", "params": {
                "type": "danger", "sticky": True, "message": report.error_message}}
        return True

    def action_collection_accept_proposed_limit(self):
        if not self.env.user.has_group("credit_collection.group_collection_manager"):
            raise AccessError(_("Only a Collection Manager can change a credit limit."))
        for partner in self:
            commercial = partner.commercial_partner_id.sudo()
            if commercial.collection_proposed_limit:
                commercial.write({"credit_limit": commercial.collection_proposed_limit,
                                  "collection_proposed_limit": 0.0})
                commercial.message_post(body=_("Credit limit set to the provider's recommendation: %s",
                                               formatLang(self.env, commercial.credit_limit,
                                                          currency_obj=self.env.company.currency_id)),
                                        subtype_xmlid="mail.mt_note")
        return True
