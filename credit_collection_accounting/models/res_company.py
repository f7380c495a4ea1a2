from odoo import api, fields, models

# (field, code prefixes by preference) — the French chart (PCG) of Odoo's l10n_fr_account.
FR_DEFAULT_ACCOUNTS = [
    ("collection_doubtful_account_id", ("416",)),
    ("collection_provision_account_id", ("491",)),
    ("collection_provision_expense_account_id", ("68174", "6817")),
    ("collection_provision_income_account_id", ("78174", "7817")),
    ("collection_writeoff_account_id", ("6541", "654")),
]


class ResCompany(models.Model):
    _inherit = "res.company"

    collection_doubtful_account_id = fields.Many2one(
        "account.account",
        "Doubtful receivables account",
        check_company=True,
        help="France: 416 Clients douteux ou litigieux. Must allow reconciliation.",
    )
    collection_provision_account_id = fields.Many2one(
        "account.account",
        "Provision account",
        check_company=True,
        help="France: 491 Dépréciations des comptes de clients.",
    )
    collection_provision_expense_account_id = fields.Many2one(
        "account.account",
        "Provision expense account",
        check_company=True,
        help="France: 6817 Dotations aux dépréciations des actifs circulants.",
    )
    collection_provision_income_account_id = fields.Many2one(
        "account.account",
        "Provision reversal account",
        check_company=True,
        help="France: 7817 Reprises sur dépréciations des actifs circulants.",
    )
    collection_writeoff_account_id = fields.Many2one(
        "account.account",
        "Bad debt account",
        check_company=True,
        help="France: 654 Pertes sur créances irrécouvrables.",
    )
    collection_outcome_journal_id = fields.Many2one(
        "account.journal",
        "Collection outcomes journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Miscellaneous journal of reclassifications, provisions and write-offs.",
    )
    collection_writeoff_recover_vat = fields.Boolean(
        "Recover VAT on bad debts",
        help="Write-offs debit the invoice's VAT accounts for the tax share (VAT recovered on an irrecoverable debt).",
    )

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
                        order="code",
                        limit=1,
                    )
                    if account:
                        values[field] = account.id
                        break
            if not company.collection_outcome_journal_id:
                journal = self.env["account.journal"].search(
                    [("company_id", "=", company.id), ("type", "=", "general")], order="sequence, id", limit=1
                )
                if journal:
                    values["collection_outcome_journal_id"] = journal.id
            if values:
                company.write(values)

    @api.model
    def _collection_init_french_companies(self):
        self.search([("chart_template", "=like", "fr%")])._collection_set_default_accounts()
