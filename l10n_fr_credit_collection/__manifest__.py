{
    "name": "Credit Collection - France",
    "summary": "French law for the collection: the France B2B and B2C policies, the L441-10 recovery indemnity, "
    "late interest at ECB + 10 points, the legal interest rate, limitation periods, French mentions",
    "version": "19.0.1.0.0",
    "category": "Accounting/Localizations",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "website": "https://github.com/credit-collection/credit-collection",
    "maintainers": ["credit-collection"],
    "countries": ["fr"],
    "depends": ["credit_collection", "l10n_fr_account"],
    "data": [
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/credit_collection_legal_rate_data.xml",
        "data/credit_collection_policy_data.xml",
        "data/res_company_data.xml",
        "report/credit_collection_letter_report.xml",
    ],
    "demo": [
        "demo/l10n_fr_credit_collection_demo.xml",
    ],
    "auto_install": True,
    "installable": True,
}
