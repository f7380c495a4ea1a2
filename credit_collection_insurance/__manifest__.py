{
    "name": "Credit Collection - Credit Insurance",
    "summary": "Credit-insurance policies, coverage decisions, matching, overdue declarations and claims",
    "version": "17.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "depends": ["credit_collection"],
    "data": [
        "security/ir.model.access.csv",
        "views/credit_collection_insurance_menus.xml",
    ],
    "installable": True,
}
