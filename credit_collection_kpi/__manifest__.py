{
    "name": "Credit Collection - KPIs",
    "summary": "Collection KPIs (DSO, CEI, recovery, cost of collection...), monthly snapshots, aged balance "
    "and the manager dashboard",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "website": "https://github.com/credit-collection/credit-collection",
    "maintainers": ["credit-collection"],
    "depends": ["credit_collection"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/credit_collection_kpi_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/credit_collection_kpi_views.xml",
        "views/res_config_settings_views.xml",
        "views/credit_collection_kpi_menus.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "credit_collection_kpi/static/src/dashboard/*",
        ],
    },
    "demo": [
        "demo/credit_collection_kpi_demo.xml",
    ],
    "installable": True,
}
