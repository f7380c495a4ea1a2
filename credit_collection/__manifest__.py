{
    "name": "Credit Collection",
    "summary": "Automated multi-channel dunning, collection cases, disputes, promises, "
    "payment plans, credit risk and collection KPIs on Odoo's receivables",
    "version": "17.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "depends": ["account", "mail", "sms"],
    "external_dependencies": {"python": ["stdnum", "requests", "xlsxwriter"]},
    "data": [
        "security/credit_collection_security.xml",
        "security/ir.model.access.csv",
        "views/credit_collection_menus.xml",
    ],
    "demo": [
        "demo/credit_collection_demo.xml",
    ],
    "application": True,
    "installable": True,
}
