import json
import logging
from datetime import date, timedelta

import requests

from odoo import api, fields, models, tools
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

ECB_MRO_URL = "https://data-api.ecb.europa.eu/service/data/FM/D.U2.EUR.4F.KR.MRR_FR.LEV?format=jsondata"
RATE_KINDS = [
    ("ecb_mro", "ECB main refinancing rate"),
    ("legal_individual", "Legal interest rate, creditors who are individuals"),
    ("legal_other", "Legal interest rate, other cases"),
]


class MissingLegalRate(UserError):
    """A half-year whose rate is not in the table: the reminder needing it is held, never guessed."""


def half_year_start(day):
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_end(day):
    return date(day.year, 6, 30) if day.month <= 6 else date(day.year, 12, 31)


class CreditCollectionLegalRate(models.Model):
    """Rates published for a half-year: the ECB main refinancing rate in force on 1 January or 1 July
    (late interest between professionals, L441-10 C. com.) and the French legal interest rate (taux de
    l'intérêt légal, one value for creditors who are individuals and one for the other cases)."""

    _name = "credit.collection.legal.rate"
    _description = "Legal rate of a half-year"
    _order = "date_start desc, kind"

    kind = fields.Selection(RATE_KINDS, required=True)
    year = fields.Integer(required=True)
    half = fields.Selection([("1", "First half (from 1 January)"), ("2", "Second half (from 1 July)")], required=True)
    rate = fields.Float("Rate (% a year)", digits=(16, 4), required=True)
    date_start = fields.Date("From", compute="_compute_dates", store=True)
    date_end = fields.Date("To", compute="_compute_dates", store=True)
    source = fields.Char(help="Where the value comes from: the arrêté, the ECB's decision, the automatic fetch.")

    _kind_half_unique = models.Constraint("UNIQUE(kind, year, half)", "A rate is entered once per kind and half-year.")
    _year_valid = models.Constraint(
        "CHECK(year BETWEEN 1999 AND 2999)", "The year of a legal rate must be a year of the euro."
    )

    @api.depends("year", "half")
    def _compute_dates(self):
        for record in self:
            if not record.year or not record.half:
                record.date_start = record.date_end = False
                continue
            record.date_start = date(record.year, 1 if record.half == "1" else 7, 1)
            record.date_end = half_year_end(record.date_start)

    @api.depends("kind", "year", "half")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for record in self:
            record.display_name = "%s %s S%s" % (kinds.get(record.kind, ""), record.year or "", record.half or "")

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    @tools.ormcache("kind")
    def _rate_table(self, kind):
        """Every half-year's rate of ``kind``, read once per worker: a run reads it for each item."""
        return tuple((record.date_start, record.rate) for record in self.sudo().search([("kind", "=", kind)]))

    @api.model
    def _rates_by_half_year(self, kind, date_from, date_to):
        """{half-year start: rate} of ``kind`` for the half-years from ``date_from`` to ``date_to``."""
        first = half_year_start(date_from)
        return {start: rate for start, rate in self._rate_table(kind) if first <= start <= date_to}

    @api.model
    def _half_year_label(self, kind, start):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        return self.env._(
            "%(kind)s of %(year)s S%(half)s", kind=kinds[kind], year=start.year, half=1 if start.month == 1 else 2
        )

    # ------------------------------------------------------------------ ECB fetch
    @api.model
    def _cron_fetch_ecb_rate(self):
        """Adds the ECB main refinancing rate in force on 1 January / 1 July of each half-year begun
        since the last one in the table. Any failure is logged and writes nothing."""
        params = self.env["ir.config_parameter"].sudo()
        url = params.get_param("credit_collection.ecb_mro_url", ECB_MRO_URL)
        timeout = float(params.get_param("credit_collection.ecb_timeout", 30))
        today = fields.Date.context_today(self)
        last = self.sudo().search([("kind", "=", "ecb_mro")], order="date_start desc", limit=1)
        missing = []
        start = half_year_start(last.date_end + timedelta(days=1)) if last else half_year_start(today)
        while start <= today:
            missing.append(start)
            start = half_year_start(half_year_end(start) + timedelta(days=1))
        if not missing:
            _logger.info("ECB main refinancing rate: the current half-year is already in the table")
            return self.browse()
        try:
            response = requests.get(url, timeout=timeout, headers={"Accept": "application/json"})
            response.raise_for_status()
        except requests.RequestException as error:
            _logger.error("ECB main refinancing rate not fetched from %s: %s", url, error)
            return self.browse()
        try:
            prepared, changes = self._parse_ecb_sdmx_json(json.loads(response.text))
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
            _logger.error("ECB main refinancing rate: malformed SDMX-JSON answer from %s (%s)", url, error)
            return self.browse()
        values = []
        # The series lists the dates of change: the rate in force on a date is the last change before it,
        # known only from an answer prepared on or after that date.
        for start in missing:
            in_force = [rate for day, rate in changes if day <= start]
            if start > prepared or not in_force:
                break
            values.append(
                {
                    "kind": "ecb_mro",
                    "year": start.year,
                    "half": "1" if start.month == 1 else "2",
                    "rate": in_force[-1],
                    "source": self.env._("ECB statistical data API"),
                }
            )
        if not values:
            _logger.warning(
                "ECB main refinancing rate: no new value for the half-year from %s in the answer of %s (prepared %s)",
                missing[0],
                url,
                prepared,
            )
            return self.browse()
        created = self.sudo().create(values)
        _logger.info(
            "ECB main refinancing rate added: %s",
            ", ".join("%s S%s %.2f %%" % (r.year, r.half, r.rate) for r in created),
        )
        return created

    @api.model
    def _parse_ecb_sdmx_json(self, payload):
        """(date the answer was prepared, [(date of change, rate)] in date order) from the ECB API's
        SDMX-JSON answer."""
        prepared = fields.Date.to_date(payload["header"]["prepared"][:10])
        periods = payload["structure"]["dimensions"]["observation"][0]["values"]
        series = payload["dataSets"][0]["series"]
        if len(series) != 1:
            raise ValueError("expected one series, got %s" % len(series))
        observations = next(iter(series.values()))["observations"]
        changes = []
        for index, observation in observations.items():
            value = observation[0]
            if value is None:
                continue
            changes.append((fields.Date.to_date(periods[int(index)]["id"][:10]), float(value)))
        if not changes:
            raise ValueError("no observation")
        return prepared, sorted(changes)
