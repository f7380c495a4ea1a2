import json

from odoo import api, fields, models
from odoo.tools.misc import format_datetime

from ..tools import logistic
from .credit_collection_payer_profile import FEATURE_NAMES, late_features

MIN_ROWS = 40  # fewer labelled invoices than this: no model, no prediction
MAX_ROWS = 50000  # the most recent invoices only: the fit is pure Python
TEST_SHARE = 0.25  # the most recent quarter of the history is held out for validation


class CreditCollectionRiskModel(models.Model):
    """One fit of the late-payment prediction for a company, with its validation figures.

    A logistic regression on the company's own invoices: paid invoices labelled late when paid after
    their due date, plus open invoices already past their due date (late whatever happens next; left
    out they would make the recent history look better than it is). Features are those known on the
    invoice date: the customer's payments before that date, its invoices overdue on that date, the
    amount and the payment term. Validated on time: fitted on the oldest 75 %, scored on the most
    recent 25 %; the stored coefficients are then refitted on the whole history.
    """

    _name = "credit.collection.risk.model"
    _description = "Late payment prediction model"
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    date = fields.Datetime("Fitted on", required=True, default=fields.Datetime.now)
    state = fields.Selection([("ok", "Fitted"), ("insufficient", "Not enough history")], required=True, default="ok")
    row_count = fields.Integer("Invoices")
    train_count = fields.Integer("Training invoices")
    test_count = fields.Integer("Validation invoices")
    split_date = fields.Date(help="Invoices dated from this day on are held out for validation.")
    late_share_train = fields.Float("Late share (training)", digits=(5, 3))
    late_share_test = fields.Float("Late share (validation)", digits=(5, 3))
    auc = fields.Float(
        "AUC (validation)",
        digits=(5, 3),
        help="Area under the ROC curve on the held-out invoices: 0.5 is chance, 1.0 perfect.",
    )
    auc_train = fields.Float("AUC (training)", digits=(5, 3))
    brier = fields.Float(
        "Brier score (validation)",
        digits=(5, 4),
        help="Mean squared error of the probabilities on the held-out invoices; lower is better.",
    )
    brier_baseline = fields.Float(
        "Brier score of the base rate",
        digits=(5, 4),
        help="The same error when every invoice gets the training late share: the model must do better.",
    )
    coefficients = fields.Text(readonly=True, help="JSON: intercept, weights, feature means and deviations.")
    coefficient_html = fields.Html("Coefficient table", compute="_compute_coefficient_html", sanitize=False)
    note = fields.Char()

    @api.depends("company_id", "date")
    @api.depends_context("lang")
    def _compute_name(self):
        for model in self:
            model.name = "%s - %s" % (model.company_id.name, format_datetime(self.env, model.date))

    def _compute_coefficient_html(self):
        for model in self:
            if not model.coefficients:
                model.coefficient_html = False
                continue
            data = json.loads(model.coefficients)
            rows = "".join(
                "<tr><td>%s</td><td class='text-end'>%.3f</td></tr>" % (name, weight)
                for name, weight in zip(FEATURE_NAMES, data["weights"], strict=False)
            )
            model.coefficient_html = (
                "<table class='table table-sm'><tbody><tr><td>intercept</td><td class='text-end'>%.3f</td></tr>"
                "%s</tbody></table>" % (data["intercept"], rows)
            )

    # ------------------------------------------------------------------ data
    @api.model
    def _training_rows(self, company, today):
        """[(invoice date, features, late)] of the company's labelled invoices, oldest first."""
        profiles = self.env["credit.collection.payer.profile"]
        profiles.env.flush_all()
        self.env.cr.execute(
            """
            WITH items AS (%s), labelled AS (
                SELECT * FROM items i WHERE i.settled OR i.due < %%(today)s
            )
            SELECT i.move_id, i.invoice_date, i.amount, i.term,
                   CASE WHEN i.settled THEN i.paid_date > i.due ELSE TRUE END AS late,
                   COUNT(j.move_id) FILTER (WHERE j.settled AND j.paid_date < i.invoice_date) AS prior_count,
                   COUNT(j.move_id) FILTER (
                        WHERE j.settled AND j.paid_date < i.invoice_date AND j.paid_date > j.due) AS prior_late,
                   COALESCE(AVG(GREATEST(j.paid_date - j.due, 0)) FILTER (
                        WHERE j.settled AND j.paid_date < i.invoice_date), 0) AS prior_days,
                   COUNT(j.move_id) FILTER (
                        WHERE j.due < i.invoice_date
                          AND (NOT j.settled OR j.paid_date >= i.invoice_date)) AS prior_overdue
              FROM labelled i
         LEFT JOIN items j ON j.partner_id = i.partner_id AND j.move_id != i.move_id
                          AND j.invoice_date <= i.invoice_date
          GROUP BY i.move_id, i.invoice_date, i.amount, i.term, i.settled, i.paid_date, i.due
          ORDER BY i.invoice_date, i.move_id
        """
            % profiles._items_query(),
            {
                "company": company.id,
                "since": profiles._history_start(company, today),
                "today": today,
            },
        )
        rows = [
            (
                row["invoice_date"],
                late_features(
                    row["prior_count"],
                    row["prior_late"],
                    float(row["prior_days"]),
                    row["prior_overdue"],
                    float(row["amount"] or 0.0),
                    float(row["term"] or 0),
                ),
                1 if row["late"] else 0,
            )
            for row in self.env.cr.dictfetchall()
        ]
        return rows[-MAX_ROWS:]

    # ------------------------------------------------------------------ fit and validation
    @api.model
    def _fit_and_validate(self, rows):
        """Time-based validation then a refit on everything; returns the values of a model record.

        ``rows`` are (date, features, label) tuples. The split falls on a date boundary so that no
        day is half in training and half in validation.
        """
        rows = sorted(rows, key=lambda row: row[0])
        values = {"row_count": len(rows), "state": "insufficient"}
        if len(rows) < MIN_ROWS:
            values["note"] = "%s labelled invoices, %s needed" % (len(rows), MIN_ROWS)
            return values
        cut = int(len(rows) * (1 - TEST_SHARE))
        split_date = rows[cut][0]
        train = [row for row in rows if row[0] < split_date]
        test = [row for row in rows if row[0] >= split_date]
        train_labels = [row[2] for row in train]
        test_labels = [row[2] for row in test]
        values.update(train_count=len(train), test_count=len(test), split_date=split_date)
        if len(set(train_labels)) < 2 or len(set(test_labels)) < 2:
            values["note"] = "training or validation history has only one outcome"
            return values
        model = logistic.fit([row[1] for row in train], train_labels)
        test_scores = [logistic.predict(model, row[1]) for row in test]
        base_rate = sum(train_labels) / len(train_labels)
        final = logistic.fit([row[1] for row in rows], [row[2] for row in rows])
        values.update(
            state="ok",
            late_share_train=base_rate,
            late_share_test=sum(test_labels) / len(test_labels),
            auc=logistic.auc(test_scores, test_labels),
            auc_train=logistic.auc([logistic.predict(model, row[1]) for row in train], train_labels),
            brier=logistic.brier(test_scores, test_labels),
            brier_baseline=logistic.brier([base_rate] * len(test_labels), test_labels),
            coefficients=json.dumps(final),
            note=False,
        )
        return values

    @api.model
    def _fit_company(self, company, today=None):
        today = today or fields.Date.context_today(self)
        values = self._fit_and_validate(self._training_rows(company, today))
        return self.sudo().create(dict(values, company_id=company.id))

    @api.model
    def _current(self, company):
        return self.search([("company_id", "=", company.id), ("state", "=", "ok")], limit=1)

    def _predict(self, prior_count, prior_late, prior_days, prior_overdue, amount, term_days):
        self.ensure_one()
        model = json.loads(self.coefficients)
        return logistic.predict(
            model, late_features(prior_count, prior_late, prior_days, prior_overdue, amount, term_days)
        )
