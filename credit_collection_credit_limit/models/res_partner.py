from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

COLLECTION_USER = "credit_collection.group_collection_user"
COLLECTION_MANAGER = "credit_collection.group_collection_manager"


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_credit_group_id = fields.Many2one(
        "credit.collection.credit.group",
        "Credit group",
        company_dependent=True,
        groups=COLLECTION_USER,
        help="Commercial group sharing one credit limit with other customers.",
    )
    collection_exposure = fields.Monetary(
        "Exposure",
        compute="_compute_collection_exposure",
        currency_field="collection_currency_id",
        compute_sudo=True,
        groups=COLLECTION_USER,
        help="Open receivables plus what is ordered and not invoiced yet.",
    )
    collection_group_exposure = fields.Monetary(
        "Group exposure",
        compute="_compute_collection_exposure",
        currency_field="collection_currency_id",
        compute_sudo=True,
        groups=COLLECTION_USER,
    )
    collection_group_credit_limit = fields.Monetary(
        "Group credit limit",
        related="collection_credit_group_id.credit_limit",
        currency_field="collection_currency_id",
        groups=COLLECTION_USER,
    )

    @api.model
    def _collection_manager_fields(self):
        return super()._collection_manager_fields() | {"collection_credit_group_id"}

    def write(self, vals):
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

    # ------------------------------------------------------------------ exposure: a sum of contributions
    @api.model
    def _collection_exposure_contributions(self):
        """The methods whose amounts make up a customer's exposure (as ``_risk_field_list`` in the OCA's
        account_financial_risk). Each is called with ``(company, commercial partners, reliefs)`` and
        returns {commercial partner id: amount in company currency}; an add-on appends its own
        (``super()`` plus its method's name), e.g. the orders not invoiced yet of the sale bridge."""
        return ["_collection_open_receivables"]

    @api.model
    def _collection_open_receivables(self, company, partners, reliefs=None):
        """{commercial partner id: open receivable balance in company currency}."""
        if not partners:
            return {}
        self.env["account.move.line"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        self.env.cr.execute(
            """
            SELECT p.commercial_partner_id, SUM(l.amount_residual)
              FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id AND a.account_type = 'asset_receivable'
              JOIN res_partner p ON p.id = l.partner_id
             WHERE l.company_id = %s AND l.parent_state = 'posted' AND l.reconciled IS NOT TRUE
               AND p.commercial_partner_id = ANY(%s)
          GROUP BY p.commercial_partner_id
        """,
            [company.id, partners.commercial_partner_id.ids],
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _collection_exposures(self, company, partners, reliefs=None):
        """{commercial partner id: exposure}, the sum of the contributions; ``reliefs`` are the amounts a
        document being posted moves from a contribution into receivables (not to be counted twice)."""
        partners = partners.commercial_partner_id
        exposures = dict.fromkeys(partners.ids, 0.0)
        for method in self._collection_exposure_contributions():
            for partner_id, amount in getattr(self, method)(company, partners, reliefs or {}).items():
                if partner_id in exposures:
                    exposures[partner_id] += amount
        return exposures

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
                breaches.append(
                    {
                        "partner": partner,
                        "group": partner.collection_credit_group_id,
                        "scope": "partner",
                        "limit": partner.credit_limit,
                        "exposure": after,
                        "amount": amount,
                    }
                )
        by_group = {}
        for partner in partners:
            if partner.collection_credit_group_id.credit_limit:
                by_group.setdefault(partner.collection_credit_group_id, []).append(partner)
        for group, members in by_group.items():
            others = group.sudo().partner_ids - self.browse([member.id for member in members])
            after = sum(self._collection_exposures(company, others).values()) + sum(
                exposures.get(member.id, 0.0) + amounts[member] for member in members
            )
            if currency.compare_amounts(after, group.credit_limit) > 0:
                breaches.append(
                    {
                        "partner": members[0],
                        "group": group,
                        "scope": "group",
                        "limit": group.credit_limit,
                        "exposure": after,
                        "amount": sum(amounts[member] for member in members),
                    }
                )
        return breaches

    @api.model
    def _collection_breach_message(self, company, breach):
        money = lambda value: formatLang(self.env, value, currency_obj=company.currency_id)  # noqa: E731
        if breach["scope"] == "group":
            return self.env._(
                "Credit group %(group)s: exposure %(exposure)s would exceed its credit limit of %(limit)s.",
                group=breach["group"].name,
                exposure=money(breach["exposure"]),
                limit=money(breach["limit"]),
            )
        return self.env._(
            "%(customer)s: exposure %(exposure)s would exceed its credit limit of %(limit)s.",
            customer=breach["partner"].name,
            exposure=money(breach["exposure"]),
            limit=money(breach["limit"]),
        )

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
                raise UserError(
                    self.env._(
                        "%(document)s cannot be confirmed:\n%(reasons)s\n"
                        'A Collection Manager can let it through with "Override credit limit".',
                        document=", ".join(document.mapped("display_name")),
                        reasons=text,
                    )
                )
            self._collection_check_override_right()
            self.env["credit.collection.credit.override"].sudo().create(
                [
                    {
                        "company_id": company.id,
                        "partner_id": breach["partner"].id,
                        "credit_group_id": breach["group"].id,
                        "user_id": self.env.user.id,
                        "res_model": document._name,
                        "res_id": document[:1].id,
                        "document": ", ".join(document.mapped("display_name")),
                        "amount": breach["amount"],
                        "exposure": breach["exposure"],
                        "credit_limit": breach["limit"],
                        "scope": breach["scope"],
                    }
                    for breach in breaches
                ]
            )
            body = self.env._("Credit limit overridden by %(user)s: %(reasons)s", user=self.env.user.name, reasons=text)
            for partner in {breach["partner"] for breach in breaches}:
                partner.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")
        else:
            body = self.env._("Credit limit warning: %s", text)
        for record in document.sudo():
            record.message_post(body=body, subtype_xmlid="mail.mt_note")
        return breaches

    @api.model
    def _collection_check_override_right(self):
        if not self.env.su and not self.env.user.has_group(COLLECTION_MANAGER):
            raise AccessError(self.env._("Only a Collection Manager can override a credit limit."))
