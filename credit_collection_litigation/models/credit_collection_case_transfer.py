from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare, float_is_zero

from odoo.addons.credit_collection.tools.i18n import selection_label

THIRD_PARTY_ROLES = [
    ("agency", "Collection agency"),
    ("lawyer", "Lawyer (avocat)"),
    ("bailiff", "Bailiff (commissaire de justice / huissier)"),
]
TRANSFER_STATES = [
    ("draft", "Draft"),
    ("sent", "Sent"),
    ("in_progress", "In progress"),
    ("recovered", "Recovered"),
    ("partial", "Partially recovered"),
    ("failed", "Failed"),
    ("returned", "Returned"),
]
OPEN_STATES = ("sent", "in_progress")


class CreditCollectionCaseTransfer(models.Model):
    """A case handed over to a collection agency, a lawyer or a bailiff, with their fees."""

    _name = "credit.collection.case.transfer"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Case transfer to a third party"
    _order = "date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    case_id = fields.Many2one("credit.collection.case", "Case", required=True, index=True, ondelete="cascade")
    customer_id = fields.Many2one(related="case_id.partner_id", string="Customer", store=True)
    company_id = fields.Many2one(related="case_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="case_id.currency_id")
    third_party_id = fields.Many2one(
        "res.partner",
        "Third party",
        required=True,
        tracking=True,
        domain="[('collection_third_party_role', '!=', False)]",
    )
    role = fields.Selection(
        THIRD_PARTY_ROLES,
        required=True,
        tracking=True,
        compute="_compute_role",
        store=True,
        readonly=False,
        precompute=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    amount_transferred = fields.Monetary(
        currency_field="currency_id",
        tracking=True,
        compute="_compute_amount_transferred",
        store=True,
        readonly=False,
        precompute=True,
        help="The debt handed over; by default the case's amount due.",
    )
    fee_fixed = fields.Monetary("Fixed fee", currency_field="currency_id")
    fee_percent = fields.Float("Success fee (%)", digits=(5, 2), help="Percentage of the amount recovered.")
    amount_recovered = fields.Monetary(currency_field="currency_id", tracking=True)
    fee_amount = fields.Monetary(
        "Fee",
        compute="_compute_fee_amount",
        store=True,
        currency_field="currency_id",
        help="Fixed fee plus the success fee on the amount recovered.",
    )
    state = fields.Selection(TRANSFER_STATES, default="draft", required=True, tracking=True, index=True)
    leave_dunning = fields.Boolean(
        "Leave automated dunning",
        default=True,
        help="On sending, the case is escalated and the customer's dunning is blocked.",
    )
    blocked_dunning = fields.Boolean(readonly=True, copy=False)
    fee_bill_id = fields.Many2one("account.move", "Fee bill", readonly=True, copy=False)
    case_file_attachment_id = fields.Many2one("ir.attachment", "Case file", readonly=True, copy=False)
    notes = fields.Html()

    @api.depends("case_id.name", "third_party_id.name")
    def _compute_name(self):
        for transfer in self:
            transfer.name = "%s - %s" % (transfer.case_id.name or "", transfer.third_party_id.name or "")

    @api.depends("third_party_id")
    def _compute_role(self):
        for transfer in self:
            transfer.role = transfer.third_party_id.collection_third_party_role or transfer.role

    @api.depends("case_id")
    def _compute_amount_transferred(self):
        for transfer in self:
            if not transfer.amount_transferred:
                transfer.amount_transferred = transfer.case_id.amount_due

    @api.depends("fee_fixed", "fee_percent", "amount_recovered", "currency_id")
    def _compute_fee_amount(self):
        for transfer in self:
            fee = transfer.fee_fixed + transfer.amount_recovered * transfer.fee_percent / 100.0
            transfer.fee_amount = transfer.currency_id.round(fee) if transfer.currency_id else fee

    # ------------------------------------------------------------------ buttons
    def _check_state(self, allowed):
        for transfer in self:
            if transfer.state not in allowed:
                raise UserError(
                    self.env._(
                        "%(transfer)s is %(state)s: this step is not possible.",
                        transfer=transfer.name,
                        state=selection_label(transfer, "state"),
                    )
                )

    def action_send(self):
        self._check_state(("draft",))
        for transfer in self:
            case = transfer.case_id
            self.env["credit.collection.insolvency"]._check_litigation_allowed(case)
            role = selection_label(transfer, "role")
            transfer.state = "sent"
            case.message_post(
                body=self.env._(
                    "Case transferred to %(party)s (%(role)s): %(amount)s.",
                    party=transfer.third_party_id.name,
                    role=role,
                    amount=case._format_amount(transfer.amount_transferred),
                ),
                subtype_xmlid="mail.mt_note",
            )
            if transfer.leave_dunning:
                customer = case.partner_id.sudo()
                if not customer.collection_blocked:
                    customer.write(
                        {
                            "collection_blocked": True,
                            "collection_block_reason": self.env._(
                                "Transferred to %(party)s (%(case)s)",
                                party=transfer.third_party_id.name,
                                case=case.name,
                            ),
                        }
                    )
                    transfer.blocked_dunning = True
                if not case.escalated:
                    case._escalate(self.env._("transferred to %s", transfer.third_party_id.name))
        return True

    def action_start(self):
        self._check_state(("sent",))
        self.state = "in_progress"
        return True

    def action_close_result(self):
        """Recovered, partially recovered or failed, from the amount recovered."""
        self._check_state(OPEN_STATES)
        for transfer in self:
            rounding = transfer.currency_id.rounding
            if float_is_zero(transfer.amount_recovered, precision_rounding=rounding):
                state = "failed"
            elif (
                float_compare(transfer.amount_recovered, transfer.amount_transferred, precision_rounding=rounding) >= 0
            ):
                state = "recovered"
            else:
                state = "partial"
            transfer.state = state
            transfer.case_id.message_post(
                body=self.env._(
                    "Transfer to %(party)s ended: %(state)s, %(amount)s recovered, fee %(fee)s.",
                    party=transfer.third_party_id.name,
                    state=selection_label(transfer, "state", state),
                    amount=transfer.case_id._format_amount(transfer.amount_recovered),
                    fee=transfer.case_id._format_amount(transfer.fee_amount),
                ),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_failed(self):
        self._check_state(OPEN_STATES)
        self.state = "failed"
        return True

    def action_return(self):
        """The third party hands the case back: dunning resumes if this transfer blocked it."""
        self._check_state(OPEN_STATES + ("failed",))
        for transfer in self:
            transfer.state = "returned"
            if transfer.blocked_dunning:
                transfer.case_id.partner_id.sudo().write(
                    {"collection_blocked": False, "collection_block_reason": False}
                )
                transfer.blocked_dunning = False
            transfer.case_id.message_post(
                body=self.env._("Case returned by %s.", transfer.third_party_id.name), subtype_xmlid="mail.mt_note"
            )
        return True

    def action_reset_draft(self):
        self._check_state(("sent",))
        self.state = "draft"
        return True

    def action_create_fee_bill(self):
        """A draft vendor bill from the third party for the fee."""
        for transfer in self:
            if transfer.fee_bill_id:
                continue
            if float_is_zero(transfer.fee_amount, precision_rounding=transfer.currency_id.rounding):
                raise UserError(self.env._("%s has no fee to bill.", transfer.name))
            transfer.fee_bill_id = (
                self.env["account.move"]
                .with_company(transfer.company_id)
                .create(
                    {
                        "move_type": "in_invoice",
                        "partner_id": transfer.third_party_id.id,
                        "company_id": transfer.company_id.id,
                        "invoice_date": fields.Date.context_today(transfer),
                        "invoice_line_ids": [
                            Command.create(
                                {
                                    "name": self.env._("Collection fee: %s", transfer.name),
                                    "quantity": 1,
                                    "price_unit": transfer.fee_amount,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
            )
        return self.action_open_fee_bill()

    def action_open_fee_bill(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.fee_bill_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_export_case_file(self):
        self.ensure_one()
        attachment = self.case_id._export_case_file()
        attachment.copy({"res_model": self._name, "res_id": self.id})
        self.case_file_attachment_id = attachment
        return self.case_id._download_action(attachment)
