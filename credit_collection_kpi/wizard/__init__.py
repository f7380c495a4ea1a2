from . import credit_collection_report_wizard
