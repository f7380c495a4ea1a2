from . import credit_collection_kpi
from . import credit_collection_aged_balance
from . import credit_collection_kpi_snapshot
from . import res_company
from . import res_config_settings
from . import credit_collection_demo
