{
    "name": "Credit Collection - SMS Gateway",
    "summary": "Sends the SMS reminders through an HTTP SMS gateway, never twice",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "website": "https://github.com/credit-collection/credit-collection",
    "maintainers": ["credit-collection"],
    "depends": ["credit_collection"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/ir.model.access.csv",
        "views/credit_collection_sms_gateway_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "installable": True,
}
