{
    "name": "Credit Collection - Today's work",
    "summary": "The collector's worklist ranked by the amount expected to be recovered today, "
    "with one-click call outcomes that schedule the next step and feed the KPIs",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/credit-collection/credit-collection",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "maintainers": ["credit-collection"],
    "depends": ["credit_collection", "credit_collection_scoring"],
    "data": [
        "security/ir.model.access.csv",
        "security/credit_collection_worklist_security.xml",
        "views/credit_collection_worklist_views.xml",
        "views/credit_collection_call_views.xml",
        "views/res_config_settings_views.xml",
        "views/credit_collection_worklist_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "credit_collection_worklist/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/credit_collection_worklist_demo.xml",
    ],
    "installable": True,
}
