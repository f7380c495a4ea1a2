import base64
import csv
import io
import re
from datetime import date, datetime

import xlrd

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

# Words insurers use in their files for each decision, lower case, accents kept.
STATE_WORDS = {
    "requested": ("requested", "request", "demande", "demandé", "demandee", "demandée", "en cours", "pending"),
    "granted": ("granted", "accordé", "accorde", "accordée", "agrément", "agrement", "agréé", "total", "ok"),
    "reduced": ("reduced", "réduit", "reduit", "réduite", "partiel", "partial", "partielle"),
    "refused": ("refused", "refusé", "refuse", "refus", "refusée", "nul", "zero"),
    "cancelled": (
        "cancelled",
        "canceled",
        "annulé",
        "annule",
        "annulée",
        "résilié",
        "resilie",
        "résiliation",
        "terminated",
    ),
}
MAPPING_FIELDS = (
    "column_partner",
    "column_state",
    "column_amount",
    "column_date_start",
    "column_date_end",
    "column_reference",
    "column_amount_requested",
)
DEFAULT_MAPPING = {
    "column_partner": "SIREN",
    "column_state": "Decision",
    "column_amount": "Amount",
    "column_date_start": "Start date",
    "column_date_end": "End date",
    "column_reference": "Reference",
    "column_amount_requested": "Amount requested",
}


class CreditInsuranceImport(models.TransientModel):
    """Imports the coverage decisions of an insurer's CSV or XLSX file.

    Upload, map the columns (the header names; the last mapping of the policy is proposed), preview:
    each row is checked and shown with its error. Import creates the decisions of the good rows in one
    go; the bad rows stay listed in the error report. A row already imported is reported, not doubled.
    """

    _name = "credit.insurance.import"
    _description = "Import of an insurer's coverage decisions"

    policy_id = fields.Many2one(
        "credit.insurance.policy",
        required=True,
        default=lambda self: self.env["credit.insurance.policy"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        ),
    )
    company_id = fields.Many2one(related="policy_id.company_id")
    file = fields.Binary(required=True, attachment=False)
    filename = fields.Char()
    state = fields.Selection([("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], default="upload")
    delimiter = fields.Selection(
        [("auto", "Detect"), (";", ";"), (",", ","), ("tab", "Tab")], default="auto", help="CSV files only."
    )
    partner_key = fields.Selection(
        [
            ("company_registry", "Company ID (SIREN/SIRET)"),
            ("vat", "Tax ID"),
            ("ref", "Internal reference"),
            ("name", "Name"),
        ],
        "Find customers by",
        default="company_registry",
        required=True,
    )
    date_format = fields.Selection(
        [("%d/%m/%Y", "31/12/2025"), ("%Y-%m-%d", "2025-12-31"), ("%m/%d/%Y", "12/31/2025")],
        default="%d/%m/%Y",
        required=True,
        help="Text dates of CSV files; XLSX dates are read as dates.",
    )
    decimal_comma = fields.Boolean("Decimal comma", default=True, help="12 500,00 rather than 12,500.00")
    column_partner = fields.Char("Customer column", required=True)
    column_state = fields.Char("Decision column", required=True)
    column_amount = fields.Char("Amount column", required=True)
    column_date_start = fields.Char("Start date column", required=True)
    column_date_end = fields.Char("End date column")
    column_reference = fields.Char("Reference column")
    column_amount_requested = fields.Char("Amount requested column")
    line_ids = fields.One2many("credit.insurance.import.line", "wizard_id", "Rows")
    valid_count = fields.Integer(compute="_compute_counts")
    error_count = fields.Integer(compute="_compute_counts")
    imported_count = fields.Integer(readonly=True)
    error_report = fields.Text(compute="_compute_counts")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        policy = self.env["credit.insurance.policy"].browse(values.get("policy_id"))
        mapping = dict(DEFAULT_MAPPING, **(policy.import_mapping or {}))
        values.update({key: value for key, value in mapping.items() if key in fields_list})
        return values

    @api.onchange("policy_id")
    def _onchange_policy_id(self):
        for key, value in (self.policy_id.import_mapping or {}).items():
            if key in self._fields:
                self[key] = value

    @api.depends("line_ids.error")
    def _compute_counts(self):
        for wizard in self:
            errors = wizard.line_ids.filtered("error")
            wizard.error_count = len(errors)
            wizard.valid_count = len(wizard.line_ids) - len(errors)
            wizard.error_report = "\n".join(
                self.env._("Row %(row)s: %(error)s", row=line.row, error=line.error) for line in errors.sorted("row")
            )

    # ------------------------------------------------------------------ reading
    def _is_xlsx(self):
        name = (self.filename or "").lower()
        return name.endswith((".xlsx", ".xls")) or base64.b64decode(self.file)[:2] == b"PK"

    def _read_rows(self):
        """The file as a list of rows (lists of str, float or date); the first one is the header."""
        content = base64.b64decode(self.file or b"")
        if not content:
            raise UserError(self.env._("The file is empty."))
        if self._is_xlsx():
            try:
                book = xlrd.open_workbook(file_contents=content)
            except Exception as error:
                raise UserError(self.env._("This file cannot be read as a spreadsheet: %s", error)) from error
            sheet = book.sheet_by_index(0)
            rows = []
            for index in range(sheet.nrows):
                row = []
                for cell in sheet.row(index):
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        row.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode).date())
                    elif cell.ctype == xlrd.XL_CELL_NUMBER:
                        row.append(cell.value)
                    else:
                        row.append(str(cell.value).strip())
                rows.append(row)
            return rows
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = content.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        # "tab": a tab in a selection value would make an xmlid that translation files cannot name.
        delimiter = "\t" if self.delimiter == "tab" else self.delimiter
        if delimiter == "auto":
            first = text.splitlines()[0] if text.splitlines() else ""
            delimiter = max((";", ",", "\t"), key=first.count)
        return [[value.strip() for value in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]

    def _column_indexes(self, header):
        names = [str(value).strip().lower() for value in header]
        indexes, missing = {}, []
        for key in MAPPING_FIELDS:
            wanted = (self[key] or "").strip().lower()
            if not wanted:
                continue
            if wanted in names:
                indexes[key] = names.index(wanted)
            else:
                missing.append(self[key])
        if missing:
            raise UserError(
                self.env._(
                    "Columns not found in the file: %(missing)s. Columns of the file: %(columns)s.",
                    missing=", ".join(missing),
                    columns=", ".join(str(v) for v in header),
                )
            )
        return indexes

    def _parse_amount(self, value):
        if value in ("", None):
            return None
        if isinstance(value, float):
            return value
        text = re.sub(r"[\s\u00a0\u202f]|[^\d,.\-]", "", str(value))
        text = text.replace(".", "").replace(",", ".") if self.decimal_comma else text.replace(",", "")
        return float(text)

    def _parse_date(self, value):
        if value in ("", None):
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, float):
            raise ValueError(value)
        text = str(value).strip()
        try:
            return datetime.strptime(text, self.date_format).date()
        except ValueError:
            return datetime.strptime(text[:10], "%Y-%m-%d").date()

    @staticmethod
    def _parse_state(value):
        text = str(value or "").strip().lower()
        for state, words in STATE_WORDS.items():
            if text in words:
                return state
        return None

    def _normalize_key(self, value):
        return value.strip().lower() if self.partner_key == "name" else re.sub(r"[\s.]", "", value).lower()

    def _partners_by_key(self, keys):
        """{normalized key: partners}; identifiers compared without spaces or dots, names without case."""
        field = self.partner_key  # a column name from a fixed selection
        expression = "lower(trim(name))" if field == "name" else "regexp_replace(lower(%s), '[\\s.]', '', 'g')" % field
        self.env["res.partner"].flush_model([field, "parent_id", "company_id"])
        self.env.cr.execute(
            """
            SELECT id FROM res_partner
             WHERE parent_id IS NULL AND (company_id IS NULL OR company_id = %%s) AND %s = ANY(%%s)
        """
            % expression,
            [self.policy_id.company_id.id, [key for key in keys if key]],
        )
        partners = self.env["res.partner"].browse([row[0] for row in self.env.cr.fetchall()])
        found = {}
        for partner in partners:
            key = self._normalize_key(partner[field] or "")
            found.setdefault(key, self.env["res.partner"])
            found[key] |= partner
        return found

    # ------------------------------------------------------------------ steps
    def action_preview(self):
        self.ensure_one()
        rows = self._read_rows()
        if not rows:
            raise UserError(self.env._("The file has no row."))
        indexes = self._column_indexes(rows[0])
        parsed = []
        for number, row in enumerate(rows[1:], start=2):
            if not any(str(value).strip() for value in row):
                continue
            cells = {key: (row[index] if index < len(row) else "") for key, index in indexes.items()}
            parsed.append((number, cells))
        shown, keys = {}, {}
        for number, cells in parsed:
            value = cells.get("column_partner")
            if isinstance(value, float) and value.is_integer():
                value = str(int(value))
            shown[number] = str(value or "").strip()
            keys[number] = self._normalize_key(shown[number])
        partners = self._partners_by_key(set(keys.values()) | set(shown.values()))
        lines = [self._check_row(number, cells, partners, keys[number], shown[number]) for number, cells in parsed]
        self.line_ids = [Command.clear()] + [Command.create(values) for values in lines]
        self._mark_duplicates()
        self.state = "preview"
        # Collectors import files but do not edit policies: the mapping is remembered for them.
        self.policy_id.sudo().import_mapping = {key: self[key] or "" for key in MAPPING_FIELDS}
        return self._reopen()

    def _check_row(self, number, cells, partners, key, shown):
        values = {"row": number, "partner_value": shown}
        errors = []
        matches = partners.get(key, self.env["res.partner"])
        if not shown:
            errors.append(self.env._("no customer"))
        elif not matches:
            errors.append(self.env._("unknown customer %s", shown))
        elif len(matches) > 1:
            errors.append(self.env._("several customers match %s", shown))
        else:
            values["partner_id"] = matches.id
        state = self._parse_state(cells.get("column_state"))
        values["state_value"] = str(cells.get("column_state") or "")
        if not state:
            errors.append(self.env._("unknown decision %s", cells.get("column_state") or "''"))
        values["state"] = state
        for key, field in (("column_amount", "amount"), ("column_amount_requested", "amount_requested")):
            try:
                amount = self._parse_amount(cells.get(key))
            except ValueError:
                errors.append(self.env._("invalid amount %s", cells.get(key)))
                continue
            if amount is not None and amount < 0:
                errors.append(self.env._("negative amount %s", cells.get(key)))
            values[field] = amount or 0.0
        if state in ("granted", "reduced") and not values.get("amount"):
            errors.append(self.env._("a granted coverage needs an amount"))
        for key, field in (("column_date_start", "date_start"), ("column_date_end", "date_end")):
            try:
                values[field] = self._parse_date(cells.get(key)) or False
            except ValueError:
                errors.append(self.env._("invalid date %s", cells.get(key)))
        if not values.get("date_start") and not any(self.env._("invalid date") in e for e in errors):
            errors.append(self.env._("no start date"))
        if values.get("date_start") and values.get("date_end") and values["date_end"] < values["date_start"]:
            errors.append(self.env._("ends before it starts"))
        values["reference"] = str(cells.get("column_reference") or "").strip()
        values["error"] = "; ".join(errors)
        return values

    def _mark_duplicates(self):
        """A row identical to a decision already recorded, or to an earlier row, is not imported."""
        good = self.line_ids.filtered(lambda line: not line.error)
        existing = self.env["credit.insurance.decision"].search(
            [("policy_id", "=", self.policy_id.id), ("partner_id", "in", good.partner_id.ids)]
        )
        currency = self.policy_id.currency_id
        seen = {
            (d.partner_id.id, d.state, d.date_start, d.date_end or False, currency.round(d.amount)) for d in existing
        }
        for line in good.sorted("row"):
            key = (line.partner_id.id, line.state, line.date_start, line.date_end or False, currency.round(line.amount))
            if key in seen:
                line.error = self.env._("already imported")
            seen.add(key)

    def action_import(self):
        self.ensure_one()
        if self.state != "preview":
            self.action_preview()
        good = self.line_ids.filtered(lambda line: not line.error)
        decisions = self.env["credit.insurance.decision"].create(
            [
                {
                    "policy_id": self.policy_id.id,
                    "company_id": self.policy_id.company_id.id,
                    "partner_id": line.partner_id.id,
                    "state": line.state,
                    "amount": line.amount,
                    "amount_requested": line.amount_requested,
                    "date_start": line.date_start,
                    "date_end": line.date_end,
                    "reference": line.reference,
                    "source": "import",
                    "note": self.env._("Imported from %(file)s, row %(row)s", file=self.filename or "", row=line.row),
                }
                for line in good
            ]
        )
        for line, decision in zip(good, decisions, strict=False):
            line.decision_id = decision
        self.write({"state": "done", "imported_count": len(decisions)})
        if self.filename:
            self.policy_id.sudo().message_post(
                body=self.env._(
                    "%(count)s coverage decisions imported from %(file)s, %(errors)s rows rejected.",
                    count=len(decisions),
                    file=self.filename,
                    errors=self.error_count,
                )
            )
        return self._reopen()

    def action_back(self):
        self.write({"state": "upload", "line_ids": [Command.clear()]})
        return self._reopen()

    def action_open_decisions(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("credit_collection_insurance.action_insurance_decisions")
        action["domain"] = [("id", "in", self.line_ids.decision_id.ids)]
        return action

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import an insurer file"),
        }
