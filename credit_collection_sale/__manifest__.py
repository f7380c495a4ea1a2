{
    "name": "Credit Collection - Sales",
    "summary": "Confirmed orders not invoiced yet count in the credit exposure; credit limits checked at order "
    "confirmation; the customer's risk shown to sales people",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "website": "https://github.com/credit-collection/credit-collection",
    "maintainers": ["credit-collection"],
    "depends": ["credit_collection_credit_limit", "credit_collection_scoring", "sale"],
    "data": [
        "views/sale_order_views.xml",
        "views/res_partner_views.xml",
    ],
    "auto_install": True,
    "installable": True,
}
