import base64
import csv
import io
import logging
import re
import zipfile
from html import escape

from odoo import api, fields, models
from odoo.tools.misc import format_date, formatLang

from odoo.addons.credit_collection.tools.i18n import selection_label

_logger = logging.getLogger(__name__)

INDEX_COLUMNS = [
    ("file", "File / Fichier"),
    ("category", "Category / Catégorie"),
    ("date", "Date"),
    ("amount", "Amount / Montant"),
    ("description", "Description"),
    ("status", "Status / Statut"),
]


def _safe_name(name):
    """A file name without path separators or characters archivers dislike."""
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", "_", name or "").strip(" .")
    return name[:120] or "file"


class CreditCollectionCase(models.Model):
    """Litigation on a case: transfers to third parties, documents, and the exported case file."""

    _inherit = "credit.collection.case"

    transfer_ids = fields.One2many("credit.collection.case.transfer", "case_id", "Transfers")
    document_ids = fields.One2many("credit.collection.case.document", "case_id", "Documents")
    transfer_count = fields.Integer(compute="_compute_litigation_counts")
    document_count = fields.Integer(compute="_compute_litigation_counts")
    case_file_attachment_id = fields.Many2one("ir.attachment", "Last case file", readonly=True, copy=False)

    @api.depends("transfer_ids", "document_ids")
    def _compute_litigation_counts(self):
        for case in self:
            case.transfer_count = len(case.transfer_ids)
            case.document_count = len(case.document_ids)

    def _formal_notice_archived(self):
        return super()._formal_notice_archived() or bool(
            self.document_ids.filtered(lambda document: document.category == "formal_notice")
        )

    # ------------------------------------------------------------------ case file
    def action_export_case_file(self):
        self.ensure_one()
        return self._download_action(self._export_case_file())

    def _download_action(self, attachment):
        return {"type": "ir.actions.act_url", "url": "/web/content/%s?download=true" % attachment.id, "target": "self"}

    def _export_case_file(self):
        """One ZIP with the statement, the invoices, the reminders sent, the documents and an index.

        Each PDF is rendered on its own (one document per wkhtmltopdf call); a document that fails
        is an error line in the index and the export goes on. Returns the ZIP's attachment on the case.
        """
        self.ensure_one()
        case = self.with_company(self.company_id)
        entries = []
        used_names = set()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for folder, name, category, date, amount, description, producer in case._case_file_sources():
                row = {
                    "category": category,
                    "date": date or False,
                    "amount": amount,
                    "description": description or "",
                    "file": "",
                    "status": "OK",
                }
                try:
                    with self.env.cr.savepoint():
                        content, extension = producer()
                except Exception as error:  # noqa: BLE001 - reported in the index, the rest goes on
                    _logger.info("case file %s: %s failed: %s", case.name, name, error)
                    row["status"] = self.env._("Error: %s", error.args[0] if error.args else error)
                    entries.append(row)
                    continue
                if content is None:
                    row["status"] = self.env._("Not a file (listed only)")
                    entries.append(row)
                    continue
                path = "%s/%s" % (folder, _safe_name(name))
                base, counter = path, 2
                while "%s.%s" % (path, extension) in used_names:
                    path = "%s (%s)" % (base, counter)
                    counter += 1
                path = "%s.%s" % (path, extension)
                used_names.add(path)
                archive.writestr(path, content)
                row["file"] = path
                entries.append(row)
            archive.writestr("index.html", case._case_file_index_html(entries))
            archive.writestr("index.csv", case._case_file_index_csv(entries))
        today = fields.Date.context_today(self)
        attachment = self.env["ir.attachment"].create(
            {
                "name": "%s %s.zip" % (_safe_name(self.env._("Case file %s", self.name)), today),
                "raw": buffer.getvalue(),
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": "application/zip",
            }
        )
        self.case_file_attachment_id = attachment
        self.message_post(
            body=self.env._(
                "Case file exported: %(name)s (%(count)s documents).", name=attachment.name, count=len(entries)
            ),
            subtype_xmlid="mail.mt_note",
        )
        return attachment

    def _render_report(self, xmlid, records, **context):
        report = self.env.ref(xmlid).with_company(self.company_id).with_context(**context)
        content, kind = report._render_qweb_pdf(report.report_name, records.ids)
        return content, "pdf" if kind == "pdf" else "html"

    def _case_file_invoices(self):
        moves = self.move_ids | self.action_ids.line_ids.move_id
        return moves.filtered(lambda move: move.is_invoice(include_receipts=True)).sorted(
            lambda move: (move.invoice_date or move.date, move.id)
        )

    def _case_file_sources(self):
        """(folder, name, category, date, amount, description, producer) for every document of the file.

        ``producer()`` returns ``(bytes, extension)``, or ``(None, None)`` for an entry listed only.
        """
        self.ensure_one()
        today = fields.Date.context_today(self)
        partner = self.partner_id
        sources = [
            (
                "0_summary",
                self.env._("Case file %s", self.name),
                self.env._("Case file summary / Synthèse du dossier"),
                today,
                self.amount_due,
                partner.name,
                lambda: self._render_report("credit_collection_litigation.action_report_case_file", self),
            ),
            (
                "1_statement",
                self.env._("Statement - %s", partner.name),
                self.env._("Statement of account / Relevé de compte"),
                today,
                self.amount_due,
                partner.name,
                lambda: self._render_report(
                    "credit_collection.action_report_statement", partner, collection_company_id=self.company_id.id
                ),
            ),
        ]
        for move in self._case_file_invoices():
            sources.append(
                (
                    "2_invoices",
                    move.name,
                    self.env._("Invoice / Facture"),
                    move.invoice_date,
                    move.amount_total,
                    self.env._(
                        "Due %(date)s, residual %(residual)s",
                        date=format_date(self.env, move.invoice_date_due),
                        residual=formatLang(self.env, move.amount_residual, currency_obj=move.currency_id),
                    ),
                    lambda move=move: self._render_report("account.account_invoices", move),
                )
            )
        for action in self.action_ids.filtered(lambda action: action.state == "sent").sorted(
            lambda action: (action.date, action.id)
        ):
            sources.append(
                (
                    "3_reminders",
                    "%s %s %s" % (fields.Date.to_string(action.date), action.level_id.name, action.channel),
                    self.env._("Reminder / Relance (%s)", selection_label(action, "channel")),
                    action.date,
                    action.amount_total,
                    action.name,
                    lambda action=action: self._case_file_action_content(action),
                )
            )
        for document in self.document_ids.sorted(lambda document: (document.date, document.id)):
            sources.append(
                (
                    "4_documents",
                    "%s %s" % (fields.Date.to_string(document.date), document.name),
                    selection_label(document, "category"),
                    document.date,
                    False,
                    document.notes or document.name,
                    lambda document=document: self._case_file_document_content(document),
                )
            )
        return sources

    def _case_file_action_content(self, action):
        if action.letter_attachment_id:
            return action.letter_attachment_id.raw, "pdf"
        if action.channel == "letter":
            return self._render_report("credit_collection.action_report_collection_letter", action)
        if action.channel == "email":
            page = "<html><head><meta charset='utf-8'/><title>%s</title></head><body>%s</body></html>" % (
                escape(action.name or ""),
                action.body or "",
            )
            return page.encode(), "html"
        return None, None

    def _case_file_document_content(self, document):
        if not document.file:
            raise ValueError(self.env._("the document %s has no file", document.name))
        extension = (document.file_name or "").rsplit(".", 1)[-1] if "." in (document.file_name or "") else "bin"
        return base64.b64decode(document.file), _safe_name(extension.lower())

    def _case_file_index_html(self, entries):
        amount = lambda value: formatLang(self.env, value, currency_obj=self.currency_id) if value else ""  # noqa: E731
        head = "".join("<th>%s</th>" % escape(label) for _key, label in INDEX_COLUMNS)
        rows = []
        for entry in entries:
            cells = dict(entry, amount=amount(entry["amount"]), date=format_date(self.env, entry["date"]))
            link = '<a href="%s">%s</a>' % (escape(entry["file"]), escape(entry["file"])) if entry["file"] else ""
            rows.append(
                "<tr%s><td>%s</td>%s</tr>"
                % (
                    ' class="error"'
                    if entry["status"] != "OK" and not entry["status"].startswith(self.env._("Not a file"))
                    else "",
                    link,
                    "".join("<td>%s</td>" % escape(str(cells[key])) for key, _label in INDEX_COLUMNS[1:]),
                )
            )
        title = "%s / Dossier de recouvrement %s" % (escape(self.env._("Case file")), escape(self.name))
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'/><title>%(title)s</title>"
            "<style>td,th{border:1px solid #999;padding:2px 6px}.error{color:#b00}</style></head><body>"
            "<h1>%(title)s</h1><p>%(customer)s — %(company)s — %(due)s: %(amount)s</p>"
            "<table><tr>%(head)s</tr>%(rows)s</table></body></html>"
        ) % {
            "title": title,
            "customer": escape(self.partner_id.display_name),
            "company": escape(self.company_id.name),
            "due": escape(self.env._("Amount due / Montant dû")),
            "amount": escape(amount(self.amount_due)),
            "head": head,
            "rows": "".join(rows),
        }

    def _case_file_index_csv(self, entries):
        output = io.StringIO()
        writer = csv.writer(output, delimiter=";")
        writer.writerow([label for _key, label in INDEX_COLUMNS])
        for entry in entries:
            writer.writerow(
                [
                    entry["file"],
                    entry["category"],
                    fields.Date.to_string(entry["date"]) or "",
                    "%.2f" % entry["amount"] if entry["amount"] else "",
                    entry["description"],
                    entry["status"],
                ]
            )
        return output.getvalue().encode("utf-8-sig")

    def action_open_transfers(self):
        return self._open_related(
            "credit_collection_litigation.action_collection_case_transfers", [("case_id", "=", self.id)]
        )

    def action_open_documents(self):
        return self._open_related(
            "credit_collection_litigation.action_collection_case_documents", [("case_id", "=", self.id)]
        )
