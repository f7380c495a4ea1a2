import logging

import requests
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren, siret
from urllib3.exceptions import ConnectTimeoutError, ReadTimeoutError

from odoo import api, fields, models, modules
from odoo.exceptions import UserError

from odoo.addons.credit_collection.tools.http import retrying_session

_logger = logging.getLogger(__name__)

SOLVENCY_STATUSES = [
    ("active", "Active"),
    ("watch", "Under watch"),
    ("insolvency", "Insolvency proceedings"),
    ("ceased", "Ceased trading"),
]
REQUIRED_FIELDS = ("rating", "recommended_limit", "status")


class SolvencyError(UserError):
    """A provider call that failed for a reason the user can read (kept on the report)."""


def partner_identifiers(partner):
    """The identifiers of a customer, validated: {"siret"|"siren"|"vat": compact value}.

    The company registry holds a SIREN (9 digits) or a SIRET (14); the French localization's
    ``siret`` field is read when installed. Any identifier present but invalid raises a UserError
    naming it: no provider is called with a number we know to be wrong.
    """
    found = {}
    registry = (partner.company_registry or "").strip()
    candidates = []
    if "siret" in partner._fields and partner.siret:
        candidates.append(("siret", partner.siret))
    if registry and (not partner.country_id or partner.country_id.code == "FR"):
        digits = siren.compact(registry) if registry.replace(" ", "").isdigit() else registry
        candidates.append(("siret" if len(digits) == 14 else "siren", registry))
    checks = {"siren": (siren, partner.env._("SIREN")), "siret": (siret, partner.env._("SIRET"))}
    for kind, value in candidates:
        module, label = checks[kind]
        try:
            found[kind] = module.validate(value)
        except stdnum_exceptions.ValidationError as error:
            raise UserError(
                partner.env._(
                    "%(customer)s: the %(label)s %(value)s is not valid (%(reason)s).",
                    customer=partner.display_name,
                    label=label,
                    value=value,
                    reason=error.message,
                )
            ) from None
    if partner.vat:
        try:
            found["vat"] = eu_vat.validate(partner.vat)
        except stdnum_exceptions.ValidationError as error:
            raise UserError(
                partner.env._(
                    "%(customer)s: the VAT number %(value)s is not valid (%(reason)s).",
                    customer=partner.display_name,
                    value=partner.vat,
                    reason=error.message,
                )
            ) from None
    if "siret" in found and "siren" not in found:
        found["siren"] = found["siret"][:9]
    if "siren" in found and "siret" in found and found["siret"][:9] != found["siren"]:
        raise UserError(
            partner.env._(
                "%(customer)s: the SIRET %(siret)s does not belong to the SIREN %(siren)s.",
                customer=partner.display_name,
                siret=found["siret"],
                siren=found["siren"],
            )
        )
    return found


class CreditCollectionSolvencyProvider(models.Model):
    """A financial-information provider (Creditsafe, Ellisphère, Altares style).

    The interface every provider type implements: ``_fetch_report(identifiers)`` returns a dict
    with ``rating`` (0-100, higher is safer), ``recommended_limit`` (company currency amount),
    ``status`` (one of SOLVENCY_STATUSES), and optionally ``reference``, ``name``, ``rating_date``;
    it raises :class:`SolvencyError` with a readable message otherwise. A provider type adds its
    value to ``provider_type`` and a method ``_<provider_type>_fetch_report``.
    """

    _name = "credit.collection.solvency.provider"
    _description = "Solvency information provider"
    _order = "sequence, id"

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company, index=True)
    provider_type = fields.Selection([("http_json", "Generic HTTP/JSON")], "Type", required=True, default="http_json")
    base_url = fields.Char("Base URL", help="e.g. https://api.example.com/solvency (the protocol is in the readme).")
    api_key = fields.Char("API key", groups="credit_collection.group_collection_manager")
    timeout = fields.Float("Timeout (s)", default=10.0)
    retries = fields.Integer(default=2, help="Retries on refused connections and on 502/503/504 answers.")
    alert_user_id = fields.Many2one(
        "res.users", "Alert user", help="Gets the monitoring alerts of customers without collector."
    )

    # ------------------------------------------------------------------ interface
    def _fetch_report(self, identifiers):
        self.ensure_one()
        method = getattr(self, "_%s_fetch_report" % self.provider_type, None)
        if not method:
            raise UserError(self.env._("Provider type %s is not implemented.", self.provider_type))
        report = method(identifiers)
        return self._normalize(report)

    def _normalize(self, report):
        missing = [name for name in REQUIRED_FIELDS if report.get(name) in (None, "")]
        if missing:
            raise SolvencyError(
                self.env._("Provider %(name)s: the answer lacks %(fields)s.", name=self.name, fields=", ".join(missing))
            )
        try:
            rating = int(report["rating"])
            limit = float(report["recommended_limit"])
        except (TypeError, ValueError):
            raise SolvencyError(
                self.env._("Provider %s: rating and recommended limit must be numbers.", self.name)
            ) from None
        if not 0 <= rating <= 100:
            raise SolvencyError(
                self.env._("Provider %(name)s: rating %(rating)s is outside 0-100.", name=self.name, rating=rating)
            )
        if report["status"] not in dict(SOLVENCY_STATUSES):
            raise SolvencyError(
                self.env._("Provider %(name)s: unknown status %(status)r.", name=self.name, status=report["status"])
            )
        rating_date = report.get("rating_date") or None
        if rating_date:
            try:
                rating_date = fields.Date.to_date(rating_date)
            except (TypeError, ValueError):
                raise SolvencyError(
                    self.env._(
                        "Provider %(name)s: the rating date %(date)r is not a date (YYYY-MM-DD).",
                        name=self.name,
                        date=rating_date,
                    )
                ) from None
        return {
            "rating": rating,
            "recommended_limit": limit,
            "status": report["status"],
            "reference": str(report.get("reference") or ""),
            "rating_date": rating_date,
        }

    def _lookup(self, partner):
        """Validates the customer's identifiers, calls the provider and stores a report.

        Invalid identifiers raise before any call. Provider failures are stored as an error report
        (and returned) so a monitoring batch goes on with the next customer.
        """
        self.ensure_one()
        partner = partner.commercial_partner_id
        identifiers = partner_identifiers(partner)
        if not identifiers:
            raise UserError(self.env._("%s has no SIREN, SIRET or VAT number to look up.", partner.display_name))
        Report = self.env["credit.collection.solvency.report"].sudo()
        values = {
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "provider_id": self.id,
            "identifier": identifiers.get("siret") or identifiers.get("siren") or identifiers.get("vat"),
        }
        try:
            data = self._fetch_report(identifiers)
        except SolvencyError as error:
            return Report.create(dict(values, state="error", error_message=str(error.args[0])))
        return Report.create(
            dict(
                values,
                state="ok",
                rating=data["rating"],
                recommended_limit=data["recommended_limit"],
                status=data["status"],
                reference=data["reference"],
                rating_date=data["rating_date"] or fields.Date.context_today(self),
            )
        )

    def action_test_connection(self):
        self.ensure_one()
        self._http_session().close()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._("Provider %s configured; look up a customer to try it.", self.name),
            },
        }

    # ------------------------------------------------------------------ generic HTTP/JSON
    def _http_session(self):
        # GET only: a lookup has no side effect, so read errors may be retried too.
        return retrying_session(self.retries, "GET", retry_reads=True)

    def _http_json_fetch_report(self, identifiers):
        provider = self.sudo()
        if not provider.base_url:
            raise SolvencyError(self.env._("Provider %s has no base URL.", self.name))
        kind = next(kind for kind in ("siret", "siren", "vat") if kind in identifiers)
        url = "%s/v1/companies/%s/%s" % (provider.base_url.rstrip("/"), kind, identifiers[kind])
        headers = {"Accept": "application/json"}
        if provider.api_key:
            headers["Authorization"] = "Bearer %s" % provider.api_key
        session = provider._http_session()
        try:
            answer = session.get(url, headers=headers, timeout=provider.timeout)
        except requests.RequestException as error:
            # Retried timeouts end as a ConnectionError whose reason is the last timeout.
            reason = getattr(error.args[0], "reason", None) if error.args else None
            if (
                isinstance(error, requests.Timeout)
                or isinstance(reason, ReadTimeoutError)
                or type(reason) is ConnectTimeoutError
            ):  # NewConnectionError (refused) is a subclass
                raise SolvencyError(
                    self.env._(
                        "Provider %(name)s did not answer within %(timeout)s s.",
                        name=self.name,
                        timeout=provider.timeout,
                    )
                ) from None
            raise SolvencyError(
                self.env._("Provider %(name)s unreachable: %(error)s", name=self.name, error=error)
            ) from None
        finally:
            session.close()
        if answer.status_code == 404:
            raise SolvencyError(
                self.env._(
                    "Provider %(name)s does not know %(kind)s %(value)s.",
                    name=self.name,
                    kind=kind.upper(),
                    value=identifiers[kind],
                )
            )
        if answer.status_code in (401, 403):
            raise SolvencyError(
                self.env._(
                    "Provider %(name)s refused the API key (HTTP %(code)s).", name=self.name, code=answer.status_code
                )
            )
        if answer.status_code >= 400:
            raise SolvencyError(
                self.env._(
                    "Provider %(name)s answered HTTP %(code)s: %(text)s",
                    name=self.name,
                    code=answer.status_code,
                    text=answer.text[:200],
                )
            )
        try:
            data = answer.json()
        except ValueError:
            raise SolvencyError(self.env._("Provider %s sent an answer that is not JSON.", self.name)) from None
        if not isinstance(data, dict):
            raise SolvencyError(self.env._("Provider %s sent JSON that is not an object.", self.name))
        return data

    # ------------------------------------------------------------------ monitoring
    @api.model
    def _cron_monitor(self):
        # A system job: every company, whoever runs it.
        for company in self.env["res.company"].sudo().search([("collection_solvency_provider_id", "!=", False)]):
            self.env["res.partner"].sudo().with_company(company).with_context(
                lang=company._collection_lang()
            )._collection_solvency_monitor(company)
            if not modules.module.current_test:  # one company per transaction
                self.env["ir.cron"]._commit_progress(1)
