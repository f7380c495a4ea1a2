from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import float_is_zero

from odoo.addons.credit_collection.tools.i18n import selection_label

OUTCOME_TYPES = [
    ("reclassification", "Reclassification as doubtful"),
    ("provision", "Provision"),
    ("provision_reversal", "Provision reversal"),
    ("write_off", "Write-off"),
]


class CreditCollectionOutcome(models.Model):
    """An accounting outcome of a collection: one posted journal entry in company currency."""

    _name = "credit.collection.outcome"
    _description = "Collection accounting outcome"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _rec_names_search = ["partner_id", "account_move_id"]

    name = fields.Char(compute="_compute_name")  # not stored: the type in the reader's language
    outcome_type = fields.Selection(OUTCOME_TYPES, "Type", required=True, readonly=True)
    case_id = fields.Many2one("credit.collection.case", "Case", readonly=True, index="btree_not_null")
    partner_id = fields.Many2one("res.partner", "Customer", required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move", "credit_collection_outcome_move_rel", "outcome_id", "move_id", "Invoices", readonly=True
    )
    date = fields.Date(required=True, readonly=True)
    amount = fields.Monetary(readonly=True, help="In company currency.")
    base_amount = fields.Monetary(
        "Open amount at the time",
        readonly=True,
        help="Provisions: the invoices' open amount (tax included) when provisioned; payments reverse the "
        "provision in proportion.",
    )
    account_move_id = fields.Many2one("account.move", "Journal entry", readonly=True)
    state = fields.Selection([("posted", "Posted"), ("reversed", "Reversed")], default="posted", readonly=True)
    provision_id = fields.Many2one(
        "credit.collection.outcome", "Provision reversed", readonly=True, index="btree_not_null"
    )
    reversal_ids = fields.One2many("credit.collection.outcome", "provision_id", "Reversals")
    reversed_by_id = fields.Many2one("credit.collection.outcome", "Reversed by", readonly=True)
    amount_reversed = fields.Monetary(compute="_compute_amount_reversed")
    note = fields.Text()

    @api.depends("outcome_type", "partner_id")
    @api.depends_context("lang")
    def _compute_name(self):
        for outcome in self:
            outcome.name = "%s - %s" % (selection_label(outcome, "outcome_type"), outcome.partner_id.display_name or "")

    @api.depends("reversal_ids.amount")
    def _compute_amount_reversed(self):
        for outcome in self:
            outcome.amount_reversed = sum(outcome.reversal_ids.mapped("amount"))

    # ------------------------------------------------------------------ helpers
    @api.model
    def _check_manager(self):
        if not self.env.su and not self.env.user.has_group("credit_collection.group_collection_manager"):
            raise AccessError(self.env._("Only collection managers may post accounting outcomes."))

    @api.model
    def _account(self, company, field):
        account = company[field]
        if not account:
            raise UserError(
                self.env._(
                    "Set the account '%(field)s' of %(company)s in the collection settings.",
                    field=company._fields[field].string,
                    company=company.display_name,
                )
            )
        if company not in account.company_ids:
            raise UserError(
                self.env._(
                    "The account %(account)s does not belong to %(company)s.",
                    account=account.display_name,
                    company=company.display_name,
                )
            )
        return account

    @api.model
    def _journal(self, company):
        journal = company.collection_outcome_journal_id or self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "general")], limit=1
        )
        if not journal:
            raise UserError(
                self.env._("Set a miscellaneous journal for the collection outcomes of %s.", company.display_name)
            )
        if journal.company_id != company:
            raise UserError(
                self.env._(
                    "The journal %(journal)s does not belong to %(company)s.",
                    journal=journal.display_name,
                    company=company.display_name,
                )
            )
        return journal

    @api.model
    def _check_invoices(self, invoices):
        if not invoices:
            raise UserError(self.env._("Select at least one customer invoice."))
        if len(invoices.company_id) > 1 or len(invoices.commercial_partner_id) > 1:
            raise UserError(self.env._("Select invoices of one customer and one company."))
        wrong = invoices.filtered(lambda m: m.state != "posted" or m.move_type not in ("out_invoice", "out_receipt"))
        if wrong:
            raise UserError(
                self.env._("Only posted customer invoices can be handled: %s.", ", ".join(wrong.mapped("name")))
            )

    @api.model
    def _open_lines(self, invoice):
        """The items that carry what the customer still owes on the invoice: its receivable lines, or the
        doubtful-receivable (416) lines of its reclassification."""
        return self.env["account.move.line"].search(
            Domain.AND(
                [
                    Domain("move_id", "=", invoice.id) | Domain("collection_invoice_id", "=", invoice.id),
                    Domain(
                        [
                            ("parent_state", "=", "posted"),
                            ("reconciled", "=", False),
                            ("amount_residual", ">", 0),
                            ("account_id.reconcile", "=", True),
                        ]
                    ),
                    Domain("account_type", "=", "asset_receivable") | Domain("collection_invoice_id", "=", invoice.id),
                ]
            )
        )

    @api.model
    def _open_amount(self, invoices):
        return sum(sum(self._open_lines(invoice).mapped("amount_residual")) for invoice in invoices)

    @api.model
    def _untaxed_share(self, invoice, amount):
        total = invoice.amount_total_signed
        if invoice.company_currency_id.is_zero(total):
            return amount
        return invoice.company_currency_id.round(amount * invoice.amount_untaxed_signed / total)

    @api.model
    def _create_entry(self, company, date, ref, lines):
        journal = self._journal(company)
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": date,
                    "ref": ref,
                    "line_ids": [(0, 0, line) for line in lines],
                }
            )
        )
        move.action_post()
        return move

    @api.model
    def _case(self, invoices):
        partner = invoices.commercial_partner_id
        return (
            self.env["credit.collection.case"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", invoices.company_id.id),
                    ("stage", "!=", "closed"),
                ],
                limit=1,
            )
        )

    def _record(self, outcome_type, invoices, date, amount, entry, **extra):
        outcome = self.sudo().create(
            {
                "outcome_type": outcome_type,
                "partner_id": invoices.commercial_partner_id.id,
                "company_id": invoices.company_id.id,
                "move_ids": [(6, 0, invoices.ids)],
                "date": date,
                "amount": amount,
                "account_move_id": entry.id,
                "case_id": self._case(invoices).id,
                **extra,
            }
        )
        if outcome.case_id:
            outcome.case_id.message_post(
                body=self.env._(
                    "%(outcome)s: %(amount)s (%(entry)s).",
                    outcome=selection_label(outcome, "outcome_type"),
                    amount=outcome.case_id._format_amount(amount),
                    entry=entry.name,
                ),
                subtype_xmlid="mail.mt_note",
            )
        return outcome

    # ------------------------------------------------------------------ outcomes
    @api.model
    def _reclassify(self, invoices, date=None):
        """Moves the open receivable of the invoices from the receivable account (411) to doubtful
        receivables (416): credit 411 reconciled with each invoice, debit 416 per invoice, open."""
        self._check_manager()
        self._check_invoices(invoices)
        company = invoices.company_id
        doubtful = self._account(company, "collection_doubtful_account_id")
        if not doubtful.reconcile:
            raise UserError(
                self.env._(
                    "The doubtful receivables account %s must allow reconciliation: customers' "
                    "payments are matched with it.",
                    doubtful.display_name,
                )
            )
        date = date or fields.Date.context_today(self)
        lines, to_match, total = [], [], 0.0
        for invoice in invoices:
            receivables = invoice.line_ids.filtered(
                lambda line: (
                    line.account_type == "asset_receivable" and not line.reconciled and line.amount_residual > 0
                )
            )
            for receivable in receivables:
                amount = receivable.amount_residual
                lines.append(
                    {
                        "account_id": receivable.account_id.id,
                        "partner_id": invoice.commercial_partner_id.id,
                        "name": self.env._("Doubtful: %s", invoice.name),
                        "credit": amount,
                        "debit": 0.0,
                    }
                )
                lines.append(
                    {
                        "account_id": doubtful.id,
                        "partner_id": invoice.commercial_partner_id.id,
                        "name": self.env._("Doubtful: %s", invoice.name),
                        "debit": amount,
                        "credit": 0.0,
                        "collection_invoice_id": invoice.id,
                        "date_maturity": receivable.date_maturity,
                    }
                )
                to_match.append(receivable)
                total += amount
        if not to_match:
            raise UserError(self.env._("These invoices have nothing left to reclassify."))
        entry = self._create_entry(company, date, self.env._("Reclassification as doubtful receivables"), lines)
        credits = entry.line_ids.filtered(lambda line: line.credit > 0)
        for receivable, credit in zip(to_match, credits, strict=False):
            (receivable | credit).with_context(collection_outcome=True).reconcile()
        return self._record("reclassification", invoices, date, total, entry)

    @api.model
    def _provision_base(self, invoices):
        """France: the provision is on the amount excluding VAT of what remains due."""
        return sum(self._untaxed_share(invoice, self._open_amount(invoice)) for invoice in invoices)

    @api.model
    def _provision(self, invoices, amount=None, date=None):
        """Debit 6817 / credit 491 for the amount (default: the untaxed share of the open amount)."""
        self._check_manager()
        self._check_invoices(invoices)
        company = invoices.company_id
        currency = company.currency_id
        amount = currency.round(self._provision_base(invoices) if amount is None else amount)
        if currency.compare_amounts(amount, 0) <= 0:
            raise UserError(self.env._("The provision must be a positive amount."))
        expense = self._account(company, "collection_provision_expense_account_id")
        provision = self._account(company, "collection_provision_account_id")
        date = date or fields.Date.context_today(self)
        label = self.env._("Provision for doubtful receivables: %s", ", ".join(invoices.mapped("name")))
        entry = self._create_entry(
            company,
            date,
            label,
            [
                {
                    "account_id": expense.id,
                    "partner_id": invoices.commercial_partner_id.id,
                    "name": label,
                    "debit": amount,
                    "credit": 0.0,
                },
                {
                    "account_id": provision.id,
                    "partner_id": invoices.commercial_partner_id.id,
                    "name": label,
                    "debit": 0.0,
                    "credit": amount,
                },
            ],
        )
        return self._record("provision", invoices, date, amount, entry, base_amount=self._open_amount(invoices))

    def _reverse_provision(self, amount=None, date=None):
        """Debit 491 / credit 7817: all that is left of the provision, or `amount`."""
        self.ensure_one()
        currency = self.currency_id
        left = currency.round(self.amount - self.amount_reversed)
        amount = left if amount is None else min(currency.round(amount), left)
        if currency.compare_amounts(amount, 0) <= 0:
            return self.browse()
        company = self.company_id
        provision = self._account(company, "collection_provision_account_id")
        income = self._account(company, "collection_provision_income_account_id")
        date = date or fields.Date.context_today(self)
        label = self.env._("Provision reversal: %s", ", ".join(self.move_ids.mapped("name")))
        entry = self._create_entry(
            company,
            date,
            label,
            [
                {
                    "account_id": provision.id,
                    "partner_id": self.partner_id.id,
                    "name": label,
                    "debit": amount,
                    "credit": 0.0,
                },
                {
                    "account_id": income.id,
                    "partner_id": self.partner_id.id,
                    "name": label,
                    "debit": 0.0,
                    "credit": amount,
                },
            ],
        )
        reversal = self._record("provision_reversal", self.move_ids, date, amount, entry, provision_id=self.id)
        if currency.is_zero(self.amount - self.amount_reversed):
            self.write({"state": "reversed", "reversed_by_id": reversal.id})
        return reversal

    @api.model
    def _adjust_provisions(self, invoices):
        """After a payment: keep of each provision the share of its invoices that is still open."""
        provisions = self.sudo().search(
            [("outcome_type", "=", "provision"), ("state", "=", "posted"), ("move_ids", "in", invoices.ids)]
        )
        for provision in provisions:
            open_amount = self._open_amount(provision.move_ids)
            currency = provision.currency_id
            if float_is_zero(provision.base_amount, precision_rounding=currency.rounding) or currency.is_zero(
                open_amount
            ):
                keep = 0.0
            else:
                keep = currency.round(provision.amount * min(open_amount / provision.base_amount, 1.0))
            provision._reverse_provision(amount=provision.amount - provision.amount_reversed - keep)

    @api.model
    def _write_off(self, invoices, date=None):
        """Debit 654 (untaxed share) and, when the company recovers the VAT of bad debts, the invoice's tax
        accounts for the tax share / credit the open items (411 or 416) reconciled with them. Provisions of
        the invoices are reversed and the case closes as written off."""
        self._check_manager()
        self._check_invoices(invoices)
        company = invoices.company_id
        currency = company.currency_id
        loss = self._account(company, "collection_writeoff_account_id")
        date = date or fields.Date.context_today(self)
        partner = invoices.commercial_partner_id
        lines, to_match, total = [], [], 0.0
        for invoice in invoices:
            open_lines = self._open_lines(invoice)
            amount = sum(open_lines.mapped("amount_residual"))
            if currency.is_zero(amount):
                continue
            label = self.env._("Write-off: %s", invoice.name)
            debits = []
            tax_lines = invoice.line_ids.filtered(lambda line: line.display_type == "tax")
            if (
                company.collection_writeoff_recover_vat
                and tax_lines
                and not currency.is_zero(invoice.amount_total_signed)
            ):
                for tax_line in tax_lines:
                    share = currency.round(amount * -tax_line.balance / invoice.amount_total_signed)
                    if not currency.is_zero(share):
                        debits.append(
                            {
                                "account_id": tax_line.account_id.id,
                                "tax_repartition_line_id": False,
                                "name": label,
                                "partner_id": partner.id,
                                "debit": share,
                                "credit": 0.0,
                            }
                        )
            remainder = currency.round(amount - sum(line["debit"] for line in debits))
            debits.insert(
                0, {"account_id": loss.id, "partner_id": partner.id, "name": label, "debit": remainder, "credit": 0.0}
            )
            lines += debits
            for open_line in open_lines:
                lines.append(
                    {
                        "account_id": open_line.account_id.id,
                        "partner_id": partner.id,
                        "name": label,
                        "credit": open_line.amount_residual,
                        "debit": 0.0,
                    }
                )
                to_match.append(open_line)
            total += amount
        if not to_match:
            raise UserError(self.env._("These invoices have nothing left to write off."))
        entry = self._create_entry(company, date, self.env._("Write-off of uncollectable receivables"), lines)
        credits = entry.line_ids.filtered(lambda line: line.credit > 0)
        for open_line, credit in zip(to_match, credits, strict=False):
            (open_line | credit).reconcile()
        outcome = self._record("write_off", invoices, date, total, entry)
        # The reconciliation above already reversed what was left of the provisions; make sure.
        for provision in self.sudo().search(
            [("outcome_type", "=", "provision"), ("state", "=", "posted"), ("move_ids", "in", invoices.ids)]
        ):
            if not self._open_amount(provision.move_ids):
                provision._reverse_provision(date=date)
        case = outcome.case_id or self.env["credit.collection.case"].sudo().search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id)], order="id desc", limit=1
        )
        if case:
            if case.stage == "closed":
                case.close_reason = "written_off"
            elif not self._partner_still_owes(partner, company):
                case._close("written_off")
            outcome.case_id = case
        return outcome

    @api.model
    def _partner_still_owes(self, partner, company):
        return bool(
            self.env["account.move.line"].search_count(
                Domain(
                    [
                        ("partner_id", "child_of", partner.id),
                        ("company_id", "=", company.id),
                        ("parent_state", "=", "posted"),
                        ("reconciled", "=", False),
                        ("amount_residual", ">", 0),
                    ]
                )
                & (Domain("account_type", "=", "asset_receivable") | Domain("collection_invoice_id", "!=", False)),
                limit=1,
            )
        )

    def action_open_entry(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "view_mode": "form",
            "res_id": self.account_move_id.id,
        }

    def action_reverse(self):
        self._check_manager()
        for outcome in self.filtered(lambda o: o.outcome_type == "provision" and o.state == "posted"):
            outcome._reverse_provision()
