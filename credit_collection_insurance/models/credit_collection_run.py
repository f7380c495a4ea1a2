import logging

from odoo import fields, models

_logger = logging.getLogger(__name__)


class CreditCollectionRun(models.Model):
    _inherit = "credit.collection.run"

    insurance_declaration_ids = fields.One2many(
        "credit.insurance.declaration", "run_id", "Overdue declarations proposed"
    )

    def _plan(self):
        res = super()._plan()
        self._insurance_daily()
        return res

    def _insurance_daily(self):
        """Proposes the overdue declarations due and refreshes the coverage matching of the run's company.

        In its own savepoint: a failure here is reported on the run and leaves the reminders planned.
        """
        self.ensure_one()
        if not self.env["credit.insurance.policy"].search_count([("company_id", "=", self.company_id.id)]):
            return
        try:
            with self.env.cr.savepoint():
                self.env["credit.insurance.declaration"].with_company(self.company_id)._propose(
                    self.company_id, self.date, run=self
                )
                self.env["credit.insurance.coverage.report"].with_company(self.company_id)._refresh(
                    self.company_id, self.date
                )
        except Exception as error:  # noqa: BLE001 - reported on the run, the reminders go on
            _logger.exception("credit insurance step of run %s failed", self.id)
            self.env.invalidate_all()
            self.env["credit.collection.run.message"].sudo().create(
                {
                    "run_id": self.id,
                    "kind": "error",
                    "reason": self.env._("Credit insurance: %s", error)[:250],
                }
            )
