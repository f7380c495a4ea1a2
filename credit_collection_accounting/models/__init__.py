from . import credit_collection_outcome
from . import account_move_line
from . import account_partial_reconcile
from . import credit_collection_case
from . import res_company
from . import res_config_settings
from . import account_chart_template
from . import credit_collection_kpi
