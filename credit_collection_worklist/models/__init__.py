from . import res_company
from . import res_config_settings
from . import credit_collection_call
from . import credit_collection_promise
from . import credit_collection_dispute
from . import credit_collection_worklist
from . import credit_collection_kpi
from . import credit_collection_demo
