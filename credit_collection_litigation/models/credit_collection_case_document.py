from odoo import api, fields, models

DOCUMENT_CATEGORIES = [
    ("registered_letter", "Registered letter (lettre recommandée)"),
    ("formal_notice", "Formal notice (mise en demeure)"),
    ("procedural_act", "Procedural act (acte de procédure)"),
    ("judgment", "Judgment (jugement)"),
    ("correspondence", "Correspondence"),
    ("other", "Other"),
]


class CreditCollectionCaseDocument(models.Model):
    """A litigation document archived on a case."""

    _name = "credit.collection.case.document"
    _description = "Case document"
    _order = "date desc, id desc"

    name = fields.Char(required=True)
    case_id = fields.Many2one("credit.collection.case", "Case", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    category = fields.Selection(DOCUMENT_CATEGORIES, required=True, default="correspondence")
    date = fields.Date(required=True, default=fields.Date.context_today)
    file = fields.Binary(attachment=True)
    file_name = fields.Char()
    notes = fields.Text()

    @api.onchange("file_name")
    def _onchange_file_name(self):
        if self.file_name and not self.name:
            self.name = self.file_name
