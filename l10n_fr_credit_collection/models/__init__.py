from . import account_chart_template
from . import credit_collection_action_line
from . import credit_collection_demo
from . import credit_collection_level
from . import res_company
