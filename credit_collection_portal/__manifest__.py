{
    "name": "Credit Collection - Customer Portal",
    "summary": "Customers see their open items, pay, dispute and promise from the portal",
    "version": "17.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "depends": ["credit_collection", "portal", "account_payment"],
    "data": [
        "security/ir.model.access.csv",
    ],
    "installable": True,
}
