{
    "name": "Credit Collection - Customer Portal",
    "summary": "Customers see their open items, pay, dispute and promise from the portal",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "website": "https://github.com/credit-collection/credit-collection",
    "maintainers": ["credit-collection"],
    # payment_demo is NOT a dependency: installed, it publishes a provider that fakes payments.
    # The tests and the demo database install it next to this add-on (see readme/CONFIGURE.md).
    "depends": ["credit_collection", "portal", "account_payment"],
    "data": [
        "security/ir.model.access.csv",
        "views/portal_templates.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/portal_demo.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "credit_collection_portal/static/src/js/*.js",
            "credit_collection_portal/static/src/scss/*.scss",
        ],
        "web.assets_tests": [
            "credit_collection_portal/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
