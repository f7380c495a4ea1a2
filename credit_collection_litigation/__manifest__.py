{
    "name": "Credit Collection - Litigation",
    "summary": "Case transfers to collection agencies, lawyers and bailiffs, case documents and the exported case file",
    "version": "19.0.1.0.0",
    "category": "Accounting/Accounting",
    "license": "LGPL-3",
    "author": "Credit Collection contributors",
    "website": "https://github.com/credit-collection/credit-collection",
    "maintainers": ["credit-collection"],
    "depends": ["credit_collection"],
    "data": [
        "security/credit_collection_litigation_security.xml",
        "security/ir.model.access.csv",
        "report/credit_collection_case_file_report.xml",
        "views/credit_collection_case_document_views.xml",
        "views/credit_collection_case_transfer_views.xml",
        "views/credit_collection_litigation_menus.xml",
    ],
    "demo": [
        "demo/credit_collection_litigation_demo.xml",
    ],
    "installable": True,
}
