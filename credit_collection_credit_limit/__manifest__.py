{
    "name": "Credit Collection - Credit limits",
    "summary": "Credit limits and exposure as a sum of contributions, credit groups, checks at posting and logged "
    "overrides",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/credit-collection/credit-collection",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "maintainers": ["credit-collection"],
    "depends": ["credit_collection"],
    "data": [
        "security/ir.model.access.csv",
        "security/credit_collection_credit_limit_security.xml",
        "views/credit_collection_credit_group_views.xml",
        "views/credit_collection_credit_override_views.xml",
        "views/account_move_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/credit_collection_credit_limit_menus.xml",
    ],
    "demo": [
        "demo/credit_collection_credit_limit_demo.xml",
    ],
    "installable": True,
}
