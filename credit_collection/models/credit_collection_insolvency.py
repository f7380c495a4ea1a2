from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import formatLang

PROCEDURES = [
    ("safeguard", "Safeguard (sauvegarde)"),
    ("receivership", "Receivership (redressement judiciaire)"),
    ("liquidation", "Compulsory liquidation (liquidation judiciaire)"),
]
# Claims are declared within two months of the opening judgment's publication in the BODACC
# (articles L622-24 and R622-24 of the Code de commerce).
CLAIM_DECLARATION_MONTHS = 2


class CreditCollectionInsolvency(models.Model):
    """Insolvency proceedings opened against a customer (procédure collective).

    While they are open, individual actions are suspended for the debts born before the opening
    (article L622-21 of the Code de commerce): no reminder, no litigation for them. The creditor
    declares its claim to the court-appointed creditors' representative instead.
    """

    _name = "credit.collection.insolvency"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _description = "Insolvency proceedings"
    _order = "opening_date desc, id desc"

    _rec_names_search = ["partner_id", "court"]

    name = fields.Char(compute="_compute_name")
    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, index=True, tracking=True, domain="[('parent_id', '=', False)]"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    procedure = fields.Selection(PROCEDURES, required=True, tracking=True)
    opening_date = fields.Date(
        "Opening judgment",
        required=True,
        tracking=True,
        help="Debts born before this date (invoice date) are no longer reminded nor brought to court: they are "
        "declared to the creditors' representative.",
    )
    publication_date = fields.Date(
        "Publication (BODACC)",
        tracking=True,
        help="Publication of the opening judgment in the BODACC: the claim must be declared within two months.",
    )
    court = fields.Char(help="e.g. Tribunal de commerce de Lyon")
    administrator_id = fields.Many2one(
        "res.partner", "Administrator", help="Court-appointed administrator (administrateur judiciaire), if any."
    )
    mandatary_id = fields.Many2one(
        "res.partner",
        "Creditors' representative",
        tracking=True,
        help="Mandataire judiciaire (or liquidator) to whom the claim is declared.",
    )
    claim_deadline = fields.Date(
        "Claim declaration deadline",
        compute="_compute_claim_deadline",
        store=True,
        help="Two months after the publication of the opening judgment (article R622-24 of the Code de commerce).",
    )
    state = fields.Selection([("open", "Open"), ("closed", "Closed")], default="open", required=True, tracking=True)
    declaration_state = fields.Selection(
        [("to_declare", "To declare"), ("declared", "Declared")],
        "Declaration",
        default="to_declare",
        required=True,
        tracking=True,
    )
    declaration_date = fields.Date("Declared on", tracking=True)
    declared_amount = fields.Monetary("Declared amount", currency_field="currency_id", tracking=True)
    declaration_attachment_id = fields.Many2one("ir.attachment", "Declaration sent", readonly=True, copy=False)
    claim_line_ids = fields.Many2many(
        "account.move.line",
        compute="_compute_claim",
        string="Items of the claim",
        help="The customer's open receivable items born before the opening judgment.",
    )
    claim_amount_due = fields.Monetary(
        "Due at the opening",
        compute="_compute_claim",
        currency_field="currency_id",
        help="Open invoices born before the opening and due before it (créance échue).",
    )
    claim_amount_to_fall_due = fields.Monetary(
        "To fall due",
        compute="_compute_claim",
        currency_field="currency_id",
        help="Open invoices born before the opening and due after it (créance à échoir).",
    )
    claim_credits = fields.Monetary(
        "Credits",
        compute="_compute_claim",
        currency_field="currency_id",
        help="Credit notes and payments not yet applied, born before the opening, deducted from the claim.",
    )
    claim_amount = fields.Monetary("Claim", compute="_compute_claim", currency_field="currency_id")
    note = fields.Html()

    @api.depends("procedure", "partner_id.name")
    @api.depends_context("lang")
    def _compute_name(self):
        procedures = dict(self._fields["procedure"]._description_selection(self.env))
        for proceeding in self:
            proceeding.name = "%s - %s" % (procedures.get(proceeding.procedure, ""), proceeding.partner_id.name or "")

    @api.depends("publication_date")
    def _compute_claim_deadline(self):
        for proceeding in self:
            proceeding.claim_deadline = proceeding.publication_date and (
                proceeding.publication_date + relativedelta(months=CLAIM_DECLARATION_MONTHS)
            )

    @api.depends("partner_id", "company_id", "opening_date")
    def _compute_claim(self):
        for proceeding in self:
            lines = proceeding._prior_receivable_lines()
            due = sum(
                line.amount_residual
                for line in lines
                if line.amount_residual > 0 and line.date_maturity and line.date_maturity < proceeding.opening_date
            )
            to_fall_due = sum(line.amount_residual for line in lines if line.amount_residual > 0) - due
            credits = sum(line.amount_residual for line in lines if line.amount_residual < 0)
            proceeding.claim_line_ids = lines
            proceeding.claim_amount_due = due
            proceeding.claim_amount_to_fall_due = to_fall_due
            proceeding.claim_credits = credits
            proceeding.claim_amount = max(due + to_fall_due + credits, 0.0)

    @api.constrains("opening_date", "publication_date")
    def _check_dates(self):
        for proceeding in self:
            if proceeding.publication_date and proceeding.publication_date < proceeding.opening_date:
                raise ValidationError(
                    self.env._("The judgment is published after it is given: check the dates of %s.", proceeding.name)
                )

    # ------------------------------------------------------------------ what the proceedings cover
    def _prior_receivable_lines(self):
        """The customer's open receivable items born (invoice or entry date) before the opening."""
        self.ensure_one()
        if not (self.partner_id and self.opening_date):
            return self.env["account.move.line"]
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ],
            order="date_maturity, id",
        )
        return lines.filtered(lambda line: (line.move_id.invoice_date or line.date) < self.opening_date)

    @api.model
    def _open_for(self, partner, company):
        """The open proceedings of a customer in a company (the earliest opening first)."""
        return self.search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("company_id", "=", company.id),
                ("state", "=", "open"),
            ],
            order="opening_date, id",
        )

    @api.model
    def _check_litigation_allowed(self, case):
        """Refuses litigation on a case whose debts are all suspended by open proceedings."""
        proceedings = self.sudo()._open_for(case.partner_id, case.company_id)
        if not proceedings:
            return
        opening = proceedings[0].opening_date
        born_after = (
            self.env["account.move"]
            .sudo()
            .search_count(
                [
                    ("commercial_partner_id", "=", case.partner_id.id),
                    ("company_id", "=", case.company_id.id),
                    ("move_type", "in", ("out_invoice", "out_receipt")),
                    ("state", "=", "posted"),
                    ("payment_state", "in", ("not_paid", "partial")),
                    ("invoice_date", ">=", opening),
                ],
                limit=1,
            )
        )
        if not born_after:
            raise UserError(
                self.env._(
                    "%(customer)s is in insolvency proceedings since %(date)s: individual actions are suspended for "
                    "the debts born before the opening (article L622-21 of the Code de commerce). Declare the claim "
                    "to the creditors' representative instead.",
                    customer=case.partner_id.display_name,
                    date=fields.Date.to_string(opening),
                )
            )

    # ------------------------------------------------------------------ life cycle
    @api.model_create_multi
    def create(self, vals_list):
        proceedings = super().create(vals_list)
        proceedings.filtered(lambda proceeding: proceeding.state == "open")._apply_opening()
        return proceedings

    def write(self, vals):
        result = super().write(vals)
        if {"opening_date", "state", "partner_id"} & set(vals):
            self.filtered(lambda proceeding: proceeding.state == "open")._apply_opening()
        elif "publication_date" in vals:
            self._schedule_claim_declaration()
        return result

    def _apply_opening(self):
        """Stops what the opening suspends and asks for the claim to be declared."""
        for proceeding in self:
            proceeding._cancel_prior_reminders()
            proceeding._suspend_litigation()
        self._schedule_claim_declaration()

    def _cancel_prior_reminders(self):
        self.ensure_one()
        reason = self.env._("insolvency proceedings opened on %s", fields.Date.to_string(self.opening_date))
        pending = self.env["credit.collection.action.line"].search(
            [
                ("partner_id", "child_of", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("state", "=", "planned"),
                ("action_id.state", "in", ("to_review", "queued", "failed")),
            ]
        )
        prior = pending.filtered(lambda line: (line.move_id.invoice_date or line.move_id.date) < self.opening_date)
        prior.write({"state": "cancelled", "cancel_reason": reason})
        for action in prior.action_id:
            if all(line.state == "cancelled" for line in action.line_ids):
                action._cancel(reason)

    def _suspend_litigation(self):
        self.ensure_one()
        Case = self.env["credit.collection.case"]
        case = Case.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("stage", "!=", "closed"),
            ],
            limit=1,
        )
        if not case and not self._prior_receivable_lines():
            return
        case = case or Case._get_or_open(self.partner_id, self.company_id, "insolvency")
        procedures = dict(self._fields["procedure"]._description_selection(self.env))
        case.write({"stage": "insolvency", "procedure": False})
        case.message_post(
            body=self.env._(
                "%(procedure)s opened on %(date)s: reminders and litigation stop for the debts born before "
                "(article L622-21 of the Code de commerce); the claim is to be declared.",
                procedure=procedures[self.procedure],
                date=fields.Date.to_string(self.opening_date),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _schedule_claim_declaration(self):
        """One claim-declaration task per proceedings, due on the deadline; moved when the date changes."""
        activity_type = self.env.ref("credit_collection.mail_activity_type_claim_declaration")
        for proceeding in self.filtered(lambda p: p.state == "open" and p.declaration_state == "to_declare"):
            if not proceeding.claim_deadline:
                continue
            existing = proceeding._claim_tasks()
            if existing:
                existing.date_deadline = proceeding.claim_deadline
                continue
            collector = proceeding.partner_id.with_company(proceeding.company_id).collection_user_id
            proceeding.activity_schedule(
                activity_type_id=activity_type.id,
                date_deadline=proceeding.claim_deadline,
                summary=self.env._("Declare the claim of %s", proceeding.partner_id.name),
                note=self.env._(
                    "Send the claim declaration (%(amount)s) to the creditors' representative before %(date)s.",
                    amount=proceeding._format_amount(proceeding.claim_amount),
                    date=fields.Date.to_string(proceeding.claim_deadline),
                ),
                user_id=(collector or self.env.user).id,
            )

    def _claim_tasks(self):
        self.ensure_one()
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", self._name),
                ("res_id", "=", self.id),
                ("activity_type_id", "=", self.env.ref("credit_collection.mail_activity_type_claim_declaration").id),
            ]
        )

    def _format_amount(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    # ------------------------------------------------------------------ buttons
    def action_print_claim_declaration(self):
        self._check_declarable()
        return self.env.ref("credit_collection.action_report_claim_declaration").report_action(self)

    def _check_declarable(self):
        for proceeding in self:
            if not proceeding.mandatary_id:
                raise UserError(
                    self.env._(
                        "Choose the creditors' representative (mandataire judiciaire) of %s first.", proceeding.name
                    )
                )

    def action_record_declaration(self):
        """The collector sent the declaration: keep the PDF sent, record the date and amount, close the task."""
        self._check_declarable()
        report = self.env.ref("credit_collection.action_report_claim_declaration")
        for proceeding in self.filtered(lambda p: p.declaration_state == "to_declare"):
            content, _kind = report._render_qweb_pdf(report.report_name, proceeding.ids)
            attachment = self.env["ir.attachment"].create(
                {
                    "name": self.env._("Claim declaration %s.pdf", proceeding.partner_id.name.replace("/", "-")),
                    "raw": content,
                    "res_model": proceeding._name,
                    "res_id": proceeding.id,
                    "mimetype": "application/pdf",
                }
            )
            amount = proceeding.claim_amount
            proceeding.write(
                {
                    "declaration_state": "declared",
                    "declaration_date": proceeding.declaration_date or fields.Date.context_today(proceeding),
                    "declared_amount": amount,
                    "declaration_attachment_id": attachment.id,
                }
            )
            proceeding._claim_tasks().action_feedback(
                feedback=self.env._("Claim of %s declared.", proceeding._format_amount(amount))
            )
            proceeding.message_post(
                body=self.env._(
                    "Claim of %(amount)s declared to %(mandatary)s.",
                    amount=proceeding._format_amount(amount),
                    mandatary=proceeding.mandatary_id.name,
                ),
                attachment_ids=attachment.ids,
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_close(self):
        self.write({"state": "closed"})
        return True

    def action_reopen(self):
        self.write({"state": "open"})
        return True
