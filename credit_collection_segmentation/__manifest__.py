{
    "name": "Credit Collection - Segmentation",
    "summary": "Segmentation rules choose each customer's dunning policy in the daily run",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/credit-collection/credit-collection",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "maintainers": ["credit-collection"],
    "depends": ["credit_collection_scoring", "credit_collection_solvency"],
    "data": [
        "security/ir.model.access.csv",
        "security/credit_collection_segmentation_security.xml",
        "views/credit_collection_segment_rule_views.xml",
        "views/res_partner_views.xml",
        "views/credit_collection_segmentation_menus.xml",
    ],
    "demo": [
        "demo/credit_collection_segmentation_demo.xml",
    ],
    "installable": True,
}
