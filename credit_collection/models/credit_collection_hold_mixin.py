from odoo import api, fields, models
from odoo.exceptions import ValidationError

SOURCES = [("backend", "Backend"), ("portal", "Customer portal")]


class CreditCollectionHoldMixin(models.AbstractModel):
    """What disputes, promises and payment plans share: each holds dunning on some invoices of one
    customer, belongs to the customer's case and writes its events on the case's timeline.

    The inheriting model defines ``move_ids`` (its own relation table) and may set:
    - ``_hold_sequence_code``: the ir.sequence code naming new records;
    - ``_hold_details_field``: the text field appended to every trace (False: none).
    """

    _name = "credit.collection.hold.mixin"
    _description = "Dunning hold on invoices of a customer"

    _hold_sequence_code = False
    _hold_details_field = "note"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, tracking=True, domain="[('parent_id', '=', False)]"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    case_id = fields.Many2one("credit.collection.case", "Case", index=True, readonly=True)
    source = fields.Selection(SOURCES, default="backend", required=True, readonly=True)

    @api.constrains("partner_id", "move_ids", "company_id")
    def _check_invoices(self):
        for record in self:
            for move in record.move_ids:
                if move.commercial_partner_id != record.partner_id or move.company_id != record.company_id:
                    raise ValidationError(
                        self.env._(
                            "%(invoice)s is not an invoice of %(customer)s.",
                            invoice=move.display_name,
                            customer=record.partner_id.display_name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("partner_id"):
                vals["partner_id"] = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id.id
            if self._hold_sequence_code and vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(self._hold_sequence_code) or "/"
        records = super().create(vals_list)
        for record in records.filtered(lambda record: not record.case_id):
            record.case_id = self.env["credit.collection.case"]._get_or_open(record.partner_id, record.company_id)
        return records

    def _open_invoices(self):
        """The customer's invoices still to be paid, in the record's company."""
        return self.env["account.move"].search(
            [
                ("commercial_partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("move_type", "in", ("out_invoice", "out_receipt")),
                ("state", "=", "posted"),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )

    def _trace(self, message, details=None):
        """Writes the event on the record and on the records of its timeline (``_trace_records``)."""
        self.ensure_one()
        if details is None and self._hold_details_field:
            details = self[self._hold_details_field]
        body = "%s\n%s" % (message, details) if details else message
        for record in self._trace_records():
            record.sudo().message_post(body=body, subtype_xmlid="mail.mt_note")

    def _trace_records(self):
        return [record for record in (self, self.case_id) if record]
