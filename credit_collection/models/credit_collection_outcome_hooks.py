from odoo import _, api, fields, models

# (field, code prefixes by preference) — the French chart (PCG) of Odoo's l10n_fr_account.
FR_DEFAULT_ACCOUNTS = [
    ("collection_doubtful_account_id", ("416",)),
    ("collection_provision_account_id", ("491",)),
    ("collection_provision_expense_account_id", ("68174", "6817")),
    ("collection_provision_income_account_id", ("78174", "7817")),
    ("collection_writeoff_account_id", ("6541", "654")),
]


# Not merged with the other extension of account.move.line: outcomes become their own add-on (issue 16).
class AccountMoveLine(models.Model):
    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    collection_invoice_id = fields.Many2one(
        "account.move", "Doubtful receivable of", readonly=True, index="btree_not_null", copy=False,
        groups="base.group_user",
        help="On the doubtful-receivable (416) line of a reclassification: the invoice it carries; the customer's "
             "payment of that invoice is reconciled with this line.")


# Not merged with the other extension of account.partial.reconcile: outcomes become their own add-on (issue 16).
class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        if self.env.context.get("collection_outcome"):
            return partials
        lines = partials.debit_move_id | partials.credit_move_id
        invoices = lines.move_id.filtered(lambda move: move.is_sale_document(include_receipts=True))
        invoices |= lines.collection_invoice_id
        if invoices:
            self.env["credit.collection.outcome"].sudo()._adjust_provisions(invoices)
        return partials


# Not merged with the other extension of credit.collection.case: outcomes become their own add-on (issue 16).
class CreditCollectionCase(models.Model):
    _inherit = "credit.collection.case"  # pylint: disable=consider-merging-classes-inherited

    outcome_ids = fields.One2many("credit.collection.outcome", "case_id", "Accounting outcomes")
    outcome_count = fields.Integer(compute="_compute_outcome_count")

    def _compute_outcome_count(self):
        for case in self:
            case.outcome_count = len(case.outcome_ids)

    def _close(self, reason):
        # A doubtful receivable (416) is still owed: reclassifying does not pay the case.
        if reason == "paid":
            outcomes = self.env["credit.collection.outcome"].sudo()
            self = self.filtered(lambda case: not outcomes._partner_still_owes(case.partner_id, case.company_id))
        return super()._close(reason)

    def _outcome_action(self, outcome_type):
        self.ensure_one()
        titles = {"reclassification": _("Reclassify as doubtful receivables"),
                  "provision": _("Provision for doubtful receivables"), "write_off": _("Write off")}
        return {
            "type": "ir.actions.act_window", "res_model": "credit.collection.outcome.wizard", "view_mode": "form",
            "target": "new", "name": "%s - %s" % (titles[outcome_type], self.partner_id.display_name),
            "context": {"default_outcome_type": outcome_type, "default_case_id": self.id,
                        "default_move_ids": [(6, 0, self.move_ids.ids)]},
        }

    def action_collection_reclassify(self):
        return self._outcome_action("reclassification")

    def action_collection_provision(self):
        return self._outcome_action("provision")

    def action_collection_write_off(self):
        return self._outcome_action("write_off")

    def action_open_outcomes(self):
        self.ensure_one()
        self.check_access("read")
        name = _("Write-offs and provisions")  # apart: Odoo's term extractor reads the domain's tuple as a term
        return {"type": "ir.actions.act_window", "res_model": "credit.collection.outcome", "view_mode": "list,form",
                "name": name,
                "domain": [("case_id", "=", self.id)]}


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_doubtful_account_id = fields.Many2one(
        "account.account", "Doubtful receivables account", check_company=True,
        help="France: 416 Clients douteux ou litigieux. Must allow reconciliation.")
    collection_provision_account_id = fields.Many2one(
        "account.account", "Provision account", check_company=True,
        help="France: 491 Dépréciations des comptes de clients.")
    collection_provision_expense_account_id = fields.Many2one(
        "account.account", "Provision expense account", check_company=True,
        help="France: 6817 Dotations aux dépréciations des actifs circulants.")
    collection_provision_income_account_id = fields.Many2one(
        "account.account", "Provision reversal account", check_company=True,
        help="France: 7817 Reprises sur dépréciations des actifs circulants.")
    collection_writeoff_account_id = fields.Many2one(
        "account.account", "Bad debt account", check_company=True,
        help="France: 654 Pertes sur créances irrécouvrables.")
    collection_outcome_journal_id = fields.Many2one(
        "account.journal", "Collection outcomes journal", check_company=True,
        domain="[('type', '=', 'general')]", help="Miscellaneous journal of reclassifications, provisions and write-offs.")
    collection_writeoff_recover_vat = fields.Boolean(
        "Recover VAT on bad debts",
        help="Write-offs debit the invoice's VAT accounts for the tax share (VAT recovered on an irrecoverable debt).")

    def _collection_set_default_accounts(self):
        """Fills the empty outcome accounts from the chart's codes (French PCG) and the first misc journal."""
        for company in self:
            values = {}
            for field, prefixes in FR_DEFAULT_ACCOUNTS:
                if company[field]:
                    continue
                for prefix in prefixes:
                    Account = self.env["account.account"].with_company(company)
                    account = Account.search(
                        [*Account._check_company_domain(company), ("code", "=like", prefix + "%")],
                        order="code", limit=1)
                    if account:
                        values[field] = account.id
                        break
            if not company.collection_outcome_journal_id:
                journal = self.env["account.journal"].search(
                    [("company_id", "=", company.id), ("type", "=", "general")], order="sequence, id", limit=1)
                if journal:
                    values["collection_outcome_journal_id"] = journal.id
            if values:
                company.write(values)

    @api.model
    def _collection_init_french_companies(self):
        self.search([("chart_template", "=like", "fr%")])._collection_set_default_accounts()


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        result = super()._post_load_data(template_code, company, template_data)
        if template_code and template_code.startswith("fr"):
            company._collection_set_default_accounts()
        return result
