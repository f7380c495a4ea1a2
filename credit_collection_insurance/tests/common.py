from datetime import timedelta

from odoo import Command

from odoo.addons.credit_collection.tests.common import CollectionCommon


class InsuranceCommon(CollectionCommon):
    """A policy (90 % covered, declare within 60 days, proposed 15 days before) on company 1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_2 = cls.company_data_2["company"]
        cls.gold = cls.currency_data["currency"]  # 2 Gold for 1 USD of company 1 since 2017
        cls.insurer = cls.env["res.partner"].create({"name": "Assureur Crédit SA", "is_company": True})
        cls.claim_account = cls.env["account.account"].create(
            {
                "name": "Insurer receivable",
                "code": "467100",
                "account_type": "asset_current",
                "reconcile": True,
                "company_ids": [Command.set(cls.company.ids)],
            }
        )
        cls.indemnity_account = cls.env["account.account"].create(
            {
                "name": "Insurance indemnities",
                "code": "791100",
                "account_type": "income_other",
                "company_ids": [Command.set(cls.company.ids)],
            }
        )
        cls.ins_policy = cls._make_insurance_policy(cls.company)
        cls.long_ago = cls.today - timedelta(days=400)

    @classmethod
    def _make_insurance_policy(cls, company, **values):
        data = cls.company_data if company == cls.company else cls.company_data_2
        return cls.env["credit.insurance.policy"].create(
            {
                "company_id": company.id,
                "insurer_id": cls.insurer.id,
                "number": "POL-%s" % company.id,
                "coverage_share": 90.0,
                "declaration_delay_days": 60,
                "declaration_lead_days": 15,
                "date_start": cls.today - timedelta(days=800),
                "currency_id": company.currency_id.id,
                "claim_journal_id": data["default_journal_misc"].id,
                "indemnity_journal_id": data["default_journal_bank"].id,
                **(
                    {"claim_account_id": cls.claim_account.id, "indemnity_account_id": cls.indemnity_account.id}
                    if company == cls.company
                    else {}
                ),
                **values,
            }
        )

    @classmethod
    def _decision(cls, amount, state="granted", partner=None, policy=None, start=None, end=None):
        return cls.env["credit.insurance.decision"].create(
            {
                "policy_id": (policy or cls.ins_policy).id,
                "partner_id": (partner or cls.customer).id,
                "state": state,
                "amount": amount,
                "date_start": start or cls.today - timedelta(days=400),
                "date_end": end or False,
            }
        )

    def _match(self, partner=None, date=None, company=None):
        rows = self.env["credit.insurance.coverage.report"]._match(
            company or self.company, date or self.today, partner or self.customer
        )
        return rows[0] if rows else {}
