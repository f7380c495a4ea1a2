from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.i18n import selection_label

DISPUTE_REASONS = [
    ("price", "Price"),
    ("quantity", "Quantity"),
    ("quality", "Quality"),
    ("delivery", "Delivery"),
    ("duplicate", "Duplicate invoice"),
    ("already_paid", "Already paid"),
    ("other", "Other"),
]
RESOLUTIONS = [("credit_note", "Credit note"), ("gesture", "Commercial gesture"), ("rejected", "Rejected")]


class CreditCollectionDispute(models.Model):
    """A dispute (litige) on invoices of one customer: dunning holds on those invoices only."""

    _name = "credit.collection.dispute"
    _inherit = ["credit.collection.hold.mixin", "mail.thread", "mail.activity.mixin"]
    _description = "Invoice dispute"
    _order = "state desc, deadline, id desc"
    _hold_sequence_code = "credit.collection.dispute"
    _hold_details_field = False

    name = fields.Char(required=True, copy=False, readonly=True, default="/")
    move_ids = fields.Many2many(
        "account.move",
        "credit_collection_dispute_move_rel",
        "dispute_id",
        "move_id",
        "Invoices",
        required=True,
        domain="[('commercial_partner_id', '=', partner_id), ('company_id', '=', company_id), "
        "('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    reason = fields.Selection(DISPUTE_REASONS, required=True, default="other", tracking=True)
    description = fields.Text()
    user_id = fields.Many2one("res.users", "Owner", tracking=True, default=lambda self: self.env.user)
    deadline = fields.Date(tracking=True, default=lambda self: fields.Date.context_today(self) + timedelta(days=15))
    state = fields.Selection(
        [("open", "Open"), ("closed", "Closed")], default="open", required=True, tracking=True, index=True
    )
    resolution = fields.Selection(RESOLUTIONS, tracking=True, readonly=True)
    resolution_note = fields.Text(readonly=True)
    amount_disputed = fields.Monetary(
        currency_field="currency_id", compute="_compute_amount_disputed", store=True, readonly=False
    )
    credit_note_ids = fields.Many2many(
        "account.move",
        "credit_collection_dispute_credit_note_rel",
        "dispute_id",
        "move_id",
        "Credit notes",
        readonly=True,
    )
    close_date = fields.Date(readonly=True)

    @api.depends("move_ids")
    def _compute_amount_disputed(self):
        for dispute in self:
            if not dispute.amount_disputed:
                dispute.amount_disputed = sum(dispute.move_ids.mapped("amount_residual_signed"))

    @api.constrains("move_ids", "state")
    def _check_one_open_dispute_per_invoice(self):
        """An invoice has one open dispute at a time, whoever opens it (collector or customer)."""
        for dispute in self.filtered(lambda dispute: dispute.state == "open"):
            other = self.sudo().search(
                [("id", "!=", dispute.id), ("state", "=", "open"), ("move_ids", "in", dispute.move_ids.ids)], limit=1
            )
            if other:
                raise ValidationError(
                    self.env._(
                        "%(invoices)s already have an open dispute (%(dispute)s): complete it rather than opening "
                        "another one.",
                        invoices=", ".join((other.move_ids & dispute.move_ids).mapped("name")),
                        dispute=other.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        for dispute in disputes:
            dispute._trace(
                self.env._(
                    "Dispute %(name)s opened (%(reason)s) on %(invoices)s: dunning holds on these invoices.",
                    name=dispute.name,
                    reason=selection_label(dispute, "reason"),
                    invoices=", ".join(dispute.move_ids.mapped("name")),
                ),
                details=dispute.description,
            )
        return disputes

    def _trace_records(self):
        return super()._trace_records() + list(self.move_ids)

    def _close(self, resolution, note=None, credit_notes=None):
        for dispute in self:
            if dispute.state != "open":
                raise UserError(self.env._("%s is already closed.", dispute.name))
            dispute.write(
                {
                    "state": "closed",
                    "resolution": resolution,
                    "resolution_note": note,
                    "close_date": fields.Date.context_today(dispute),
                    "credit_note_ids": [Command.link(move.id) for move in credit_notes or []],
                }
            )
            dispute.activity_ids.action_feedback(feedback=self.env._("Dispute closed."))
            dispute._trace(
                self.env._(
                    "Dispute %(name)s closed: %(resolution)s. %(note)s Dunning resumes on its invoices.",
                    name=dispute.name,
                    resolution=selection_label(dispute, "resolution", resolution),
                    note=note or "",
                )
            )

    def action_reject(self):
        return self._open_resolution_wizard("rejected")

    def action_credit_note(self):
        return self._open_resolution_wizard("credit_note")

    def action_gesture(self):
        return self._open_resolution_wizard("gesture")

    def _open_resolution_wizard(self, resolution):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "credit.collection.dispute.resolve",
            "view_mode": "form",
            "target": "new",
            "context": {"default_dispute_id": self.id, "default_resolution": resolution},
        }

    def action_reopen(self):
        for dispute in self.filtered(lambda dispute: dispute.state == "closed"):
            if dispute.credit_note_ids:
                raise UserError(
                    self.env._("%s was settled by a credit note: open a new dispute instead.", dispute.name)
                )
            dispute.write({"state": "open", "resolution": False, "close_date": False})
            dispute._trace(self.env._("Dispute %s reopened: dunning holds again.", dispute.name))

    # ------------------------------------------------------------------ accounting
    def _create_full_credit_notes(self, moves, note):
        """Credits ``moves`` in full, each credit note reconciled with its invoice."""
        self.ensure_one()
        credit_notes = moves._reverse_moves(
            [
                {
                    "ref": self.env._("%(name)s: %(note)s", name=self.name, note=note or self.env._("dispute settled")),
                    "invoice_date": fields.Date.context_today(self),
                    "date": fields.Date.context_today(self),
                }
                for _move in moves
            ]
        )
        credit_notes.action_post()
        # Not _reverse_moves(cancel=True): it would first undo the payments already reconciled.
        for invoice, credit_note in zip(moves, credit_notes, strict=False):
            self._reconcile_receivables(invoice, credit_note)
        return credit_notes

    def _create_gesture_credit_note(self, invoice, amount, note):
        """A credit note of ``amount`` (tax included) on the invoice's first line, reconciled with it."""
        self.ensure_one()
        source_line = invoice.invoice_line_ids.filtered(lambda line: line.display_type == "product")[:1]
        if not source_line:
            raise UserError(self.env._("%s has no product line to credit.", invoice.name))
        taxes = source_line.tax_ids
        price_unit = amount
        if taxes:
            computed = taxes.with_context(force_price_include=False).compute_all(
                1.0, currency=invoice.currency_id, partner=invoice.partner_id
            )
            price_unit = amount / computed["total_included"] if computed["total_included"] else amount
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": invoice.partner_id.id,
                "company_id": invoice.company_id.id,
                "journal_id": invoice.journal_id.id,
                "currency_id": invoice.currency_id.id,
                "invoice_date": fields.Date.context_today(self),
                "ref": self.env._("%(name)s: commercial gesture on %(invoice)s", name=self.name, invoice=invoice.name),
                "narration": note,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": self.env._("Commercial gesture (%s)", self.name),
                            "account_id": source_line.account_id.id,
                            "tax_ids": [Command.set(taxes.ids)],
                            "quantity": 1,
                            "price_unit": invoice.currency_id.round(price_unit),
                        }
                    )
                ],
            }
        )
        credit_note.action_post()
        self._reconcile_receivables(invoice, credit_note)
        return credit_note

    @staticmethod
    def _reconcile_receivables(invoice, credit_note):
        lines = (invoice.line_ids | credit_note.line_ids).filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        )
        for account in lines.account_id:
            lines.filtered(lambda line, account=account: line.account_id == account).reconcile()

    # ------------------------------------------------------------------ alerts
    @api.model
    def _overdue_disputes(self, today):
        return self.search([("state", "=", "open"), ("deadline", "<", today)])
