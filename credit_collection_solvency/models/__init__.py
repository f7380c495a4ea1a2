from . import credit_collection_solvency_provider
from . import credit_collection_solvency_report
from . import credit_collection_demo
from . import res_company
from . import res_config_settings
from . import res_partner
