from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

from odoo.addons.credit_collection.tools.i18n import selection_label

from .credit_collection_solvency_provider import SOLVENCY_STATUSES

COLLECTION_USER = "credit_collection.group_collection_user"


class ResPartner(models.Model):
    _inherit = "res.partner"

    collection_solvency_monitored = fields.Boolean(
        "Solvency monitored",
        company_dependent=True,
        groups=COLLECTION_USER,
        help="The monitoring refreshes the customer's solvency every day and alerts on changes.",
    )
    collection_proposed_limit = fields.Float(
        "Proposed credit limit",
        company_dependent=True,
        groups=COLLECTION_USER,
        help="The provider's recommended limit, when it differs from the current credit limit.",
    )
    collection_solvency_report_ids = fields.One2many(
        "credit.collection.solvency.report", "partner_id", "Solvency reports", groups=COLLECTION_USER
    )
    collection_solvency_rating = fields.Integer(
        "Solvency rating", compute="_compute_collection_solvency", groups=COLLECTION_USER
    )
    collection_solvency_limit = fields.Monetary(
        "Recommended limit",
        compute="_compute_collection_solvency",
        currency_field="collection_currency_id",
        groups=COLLECTION_USER,
    )
    collection_solvency_status = fields.Selection(
        SOLVENCY_STATUSES, "Solvency status", compute="_compute_collection_solvency", groups=COLLECTION_USER
    )
    collection_solvency_date = fields.Datetime(
        "Solvency checked on", compute="_compute_collection_solvency", groups=COLLECTION_USER
    )

    @api.model
    def _collection_manager_fields(self):
        return super()._collection_manager_fields() | {"collection_solvency_monitored", "collection_proposed_limit"}

    @api.depends_context("company")
    def _compute_collection_solvency(self):
        latest = (
            self.env["credit.collection.solvency.report"].sudo()._latest(self.commercial_partner_id, self.env.company)
        )
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
        user = (
            self.collection_user_id
            or provider.alert_user_id
            or self.env["res.users"].search(
                [
                    ("all_group_ids", "in", self.env.ref("credit_collection.group_collection_manager").id),
                    ("company_ids", "in", provider.company_id.id),
                    ("share", "=", False),
                    ("id", "!=", 1),
                ],
                limit=1,
            )
        )
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Solvency changed: %s", self.name),
            note=self.env._(
                "Rating %(old_rating)s -> %(rating)s, recommended limit %(old_limit)s -> %(limit)s, "
                "status %(old_status)s -> %(status)s (provider %(provider)s).",
                old_rating=previous.rating,
                rating=report.rating,
                old_limit=money(previous.recommended_limit),
                limit=money(report.recommended_limit),
                old_status=selection_label(previous, "status"),
                status=selection_label(report, "status"),
                provider=provider.name,
            ),
            user_id=(user or self.env.user).id,
        )

    @api.model
    def _collection_solvency_monitor(self, company):
        """Refreshes every monitored customer of the company; a failure does not stop the batch."""
        provider = company.collection_solvency_provider_id
        partners = self.with_company(company).search(
            [("collection_solvency_monitored", "=", True), ("is_company", "=", True)]
        )
        reports = self.env["credit.collection.solvency.report"]
        for partner in partners:
            try:
                with self.env.cr.savepoint():
                    reports |= partner._collection_solvency_refresh(provider)
            except UserError as error:
                partner.sudo().message_post(
                    body=self.env._("Solvency monitoring: %s", error.args[0]), subtype_xmlid="mail.mt_note"
                )
        return reports

    def action_collection_solvency_lookup(self):
        self.ensure_one()
        self.env["credit.collection.solvency.report"].check_access("read")
        provider = self.env.company.collection_solvency_provider_id
        if not provider:
            raise UserError(self.env._("Choose a solvency provider in the settings first."))
        report = self._collection_solvency_refresh(provider)
        if report.state == "error":
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {"type": "danger", "sticky": True, "message": report.error_message},
            }
        return True

    def action_collection_accept_proposed_limit(self):
        if not self.env.user.has_group("credit_collection.group_collection_manager"):
            raise AccessError(self.env._("Only a Collection Manager can change a credit limit."))
        for partner in self:
            commercial = partner.commercial_partner_id.sudo()
            if commercial.collection_proposed_limit:
                commercial.write(
                    {"credit_limit": commercial.collection_proposed_limit, "collection_proposed_limit": 0.0}
                )
                commercial.message_post(
                    body=self.env._(
                        "Credit limit set to the provider's recommendation: %s",
                        formatLang(self.env, commercial.credit_limit, currency_obj=self.env.company.currency_id),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return True
