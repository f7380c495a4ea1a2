import io
import logging

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import float_compare

from odoo.addons.credit_collection.tools.i18n import selection_label

from .credit_insurance_decision import DECISION_STATES

_logger = logging.getLogger(__name__)

COVERAGE_STATUS = [
    ("covered", "Within coverage"),
    ("over_limit", "Over the limit"),
    ("not_covered", "Not covered"),
]


class CreditInsuranceCoverageReport(models.Model):
    """Each customer's outstanding matched against its insurer's coverage, one line per customer.

    A snapshot, rebuilt by the daily collection run and on demand: converting coverage amounts
    with Odoo's currency rates is done in Python, which a SQL view could not call.
    """

    _name = "credit.insurance.coverage.report"
    _description = "Credit-insurance coverage matching"
    _order = "over_limit desc, uncovered desc, id"
    _rec_name = "partner_id"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date = fields.Date("Matched on", required=True, readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", required=True, index=True, readonly=True)
    policy_id = fields.Many2one("credit.insurance.policy", readonly=True)
    insurer_id = fields.Many2one(related="policy_id.insurer_id", store=True)
    decision_id = fields.Many2one("credit.insurance.decision", "Decision in force", readonly=True)
    decision_state = fields.Selection(DECISION_STATES, readonly=True)
    status = fields.Selection(COVERAGE_STATUS, readonly=True, index=True)
    coverage_share = fields.Float("Share covered (%)", readonly=True, aggregator=False)
    coverage_limit = fields.Monetary("Coverage granted", readonly=True)
    outstanding = fields.Monetary(readonly=True)
    covered = fields.Monetary(
        "Covered amount", readonly=True, help="The outstanding within the coverage granted, times the share covered."
    )
    uncovered = fields.Monetary("Uncovered amount", readonly=True)
    over_limit = fields.Monetary("Over the limit", readonly=True)
    coverage_rate = fields.Float("Coverage rate (%)", readonly=True, aggregator=False)

    # ------------------------------------------------------------------ matching
    @api.model
    def _match(self, company, date, partners=None):
        """One dict per customer with outstanding or coverage, amounts in the company's currency.

        Outstanding: the customer's open receivable items (net of credit notes and unapplied payments).
        Covered: min(outstanding, coverage) x share covered; over the limit: outstanding - coverage, for
        customers with a coverage (a customer without any is "not covered": all its outstanding is uncovered).
        """
        currency = company.currency_id
        domain = Domain(
            [
                ("company_id", "=", company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
            ]
        )
        if partners is not None:
            domain &= Domain("partner_id", "child_of", partners.commercial_partner_id.ids)
        outstanding = {}
        for partner, residual in self.env["account.move.line"]._read_group(
            domain, ["partner_id"], ["amount_residual:sum"]
        ):
            commercial = partner.commercial_partner_id.id
            outstanding[commercial] = outstanding.get(commercial, 0.0) + residual
        Decision = self.env["credit.insurance.decision"]
        effective = Decision._effective(partners, company, date)
        decisions = {decision.partner_id.id: decision for decision in Decision.browse(effective.values())}
        rows = []
        for partner_id in sorted(set(outstanding) | set(decisions)):
            exposure = currency.round(max(outstanding.get(partner_id, 0.0), 0.0))
            decision = decisions.get(partner_id, Decision)
            limit = currency.round(decision._limit_in(currency, company, date)) if decision else 0.0
            if currency.is_zero(exposure) and currency.is_zero(limit) and not decision:
                continue
            share = decision.policy_id.coverage_share if decision else 0.0
            covered = currency.round(min(exposure, limit) * share / 100.0)
            # Without any coverage the whole exposure is uncovered, but no limit is exceeded.
            over = currency.round(max(exposure - limit, 0.0)) if not currency.is_zero(limit) else 0.0
            if currency.is_zero(limit):
                status = "not_covered"
            elif float_compare(over, 0.0, precision_rounding=currency.rounding) > 0:
                status = "over_limit"
            else:
                status = "covered"
            rows.append(
                {
                    "company_id": company.id,
                    "currency_id": currency.id,
                    "date": date,
                    "partner_id": partner_id,
                    "policy_id": decision.policy_id.id,
                    "decision_id": decision.id,
                    "decision_state": decision.state or False,
                    "status": status,
                    "coverage_share": share,
                    "coverage_limit": limit,
                    "outstanding": exposure,
                    "covered": covered,
                    "uncovered": currency.round(exposure - covered),
                    "over_limit": over,
                    "coverage_rate": 100.0 * covered / exposure if exposure else 0.0,
                }
            )
        return rows

    @api.model
    def _ledger_rate(self, rows):
        """Coverage rate of the whole ledger: covered / outstanding, in %."""
        outstanding = sum(row["outstanding"] for row in rows)
        return 100.0 * sum(row["covered"] for row in rows) / outstanding if outstanding else 0.0

    @api.model
    def _refresh(self, company, date=None):
        """Rebuilds the company's lines, schedules the over-limit alerts, lets credit limits follow."""
        date = date or fields.Date.context_today(self)
        rows = self._match(company, date)
        self.sudo().search([("company_id", "=", company.id)]).unlink()
        lines = self.sudo().create(rows)
        self._alert_over_limit(company, [row for row in rows if row["status"] == "over_limit"])
        self.env["credit.insurance.decision"]._alert_expiring(company, date)
        followers = (
            self.env["res.partner"].with_company(company).search([("insurance_credit_limit_follows", "=", True)])
        )
        followers._insurance_sync_credit_limit(company, date)
        return lines.sudo(False)

    @api.model
    def _alert_over_limit(self, company, rows):
        """An activity on each customer whose exposure exceeds its coverage (once while it is open)."""
        activity_type = self.env.ref("credit_collection_insurance.mail_activity_type_coverage_alert")
        partners = self.env["res.partner"].browse([row["partner_id"] for row in rows])
        open_activities = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        )
        alerted = set(open_activities.mapped("res_id"))
        currency = company.currency_id
        Decision = self.env["credit.insurance.decision"]
        for row in rows:
            if row["partner_id"] in alerted:
                continue
            partner = self.env["res.partner"].browse(row["partner_id"])
            partner.activity_schedule(
                activity_type_id=activity_type.id,
                summary=self.env._("Outstanding over the insured limit"),
                note=self.env._(
                    "%(partner)s owes %(outstanding)s for a coverage of %(limit)s: %(over)s is not insured.",
                    partner=partner.name,
                    outstanding=currency.format(row["outstanding"]),
                    limit=currency.format(row["coverage_limit"]),
                    over=currency.format(row["over_limit"]),
                ),
                user_id=Decision.browse(row["decision_id"])._alert_user().id,
            )

    # ------------------------------------------------------------------ actions
    def action_refresh(self):
        """Rebuilds the matching of the allowed companies (a list header button: ``self`` is ignored)."""
        # Collectors may rebuild the matching; the lines and alerts are written as the system.
        self.check_access("read")
        for company in self.env.companies:
            self.sudo().with_company(company)._refresh(company)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_collection_insurance.action_insurance_coverage_report"
        )
        return action

    @api.model
    def _cron_refresh(self):
        """Daily, for every company with a policy (the collection run does it too; both are idempotent):
        proposes the overdue declarations due and rebuilds the matching."""
        today = fields.Date.context_today(self)
        # pylint: disable-next=no-search-all  # the policies: a few per company
        for company in self.env["credit.insurance.policy"].search([]).company_id:
            report = self.with_company(company).with_context(lang=company._collection_lang())
            try:
                with self.env.cr.savepoint():
                    report.env["credit.insurance.declaration"]._propose(company, today)
                    report._refresh(company, today)
            except Exception:  # noqa: BLE001 - one company's failure must not stop the others
                _logger.exception("credit insurance daily step failed for %s", company.name)
                self.env.invalidate_all()

    def action_export_xlsx(self):
        """Exports the selected lines, or all the lines of the allowed companies."""
        attachment = self._export_xlsx(self or self.search([("company_id", "in", self.env.companies.ids)]))
        return {"type": "ir.actions.act_url", "target": "self", "url": "/web/content/%s?download=true" % attachment.id}

    def _export_xlsx(self, lines):
        """An XLSX file of the lines: one header row (frozen), amounts formatted, a totals row."""
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(self.env._("Coverage"))
        header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        percent = workbook.add_format({"num_format": "0.00%"})
        date_format = workbook.add_format({"num_format": 14})  # short date in the reader's locale
        total_label = workbook.add_format({"bold": True, "top": 1})
        total_money = workbook.add_format({"bold": True, "top": 1, "num_format": "#,##0.00"})
        total_percent = workbook.add_format({"bold": True, "top": 1, "num_format": "0.00%"})
        columns = [
            (self.env._("Customer"), 32),
            (self.env._("Company"), 20),
            (self.env._("Insurer"), 22),
            (self.env._("Policy"), 16),
            (self.env._("Decision"), 12),
            (self.env._("Status"), 16),
            (self.env._("Matched on"), 12),
            (self.env._("Currency"), 9),
            (self.env._("Share covered"), 10),
            (self.env._("Coverage granted"), 16),
            (self.env._("Outstanding"), 16),
            (self.env._("Covered"), 16),
            (self.env._("Uncovered"), 16),
            (self.env._("Over the limit"), 16),
            (self.env._("Coverage rate"), 12),
        ]
        for col, (title, width) in enumerate(columns):
            sheet.write(0, col, title, header)
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        row = 0
        for row, line in enumerate(lines, start=1):
            sheet.write(row, 0, line.partner_id.display_name)
            sheet.write(row, 1, line.company_id.name)
            sheet.write(row, 2, line.insurer_id.name or "")
            sheet.write(row, 3, line.policy_id.number or "")
            sheet.write(row, 4, selection_label(line, "decision_state"))
            sheet.write(row, 5, selection_label(line, "status"))
            sheet.write_datetime(row, 6, fields.Datetime.to_datetime(line.date), date_format)
            sheet.write(row, 7, line.currency_id.name)
            sheet.write_number(row, 8, line.coverage_share / 100.0, percent)
            for col, value in enumerate(
                (line.coverage_limit, line.outstanding, line.covered, line.uncovered, line.over_limit), start=9
            ):
                sheet.write_number(row, col, value, money)
            sheet.write_number(row, 14, line.coverage_rate / 100.0, percent)
        total_row = row + 1
        sheet.write(total_row, 0, self.env._("Total"), total_label)
        for col in range(1, 9):
            sheet.write_blank(total_row, col, None, total_label)
        # Values next to the formulas, so that readers that do not compute (xlrd) see the totals too.
        for col, field in enumerate(("coverage_limit", "outstanding", "covered", "uncovered", "over_limit"), start=9):
            column = xl_col_to_name(col)
            sheet.write_formula(
                total_row, col, "=SUM(%s2:%s%s)" % (column, column, total_row), total_money, sum(lines.mapped(field))
            )
        outstanding = sum(lines.mapped("outstanding"))
        sheet.write_formula(
            total_row,
            14,
            "=IF(K%(r)s=0,0,L%(r)s/K%(r)s)" % {"r": total_row + 1},
            total_percent,
            sum(lines.mapped("covered")) / outstanding if outstanding else 0.0,
        )
        workbook.close()
        return self.env["ir.attachment"].create(
            {
                "name": self.env._("Credit insurance coverage %s.xlsx", fields.Date.context_today(self)),
                "raw": output.getvalue(),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
