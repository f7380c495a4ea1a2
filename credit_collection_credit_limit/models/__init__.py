from . import credit_collection_credit_group
from . import credit_collection_credit_override
from . import credit_collection_demo
from . import account_move
from . import res_company
from . import res_config_settings
from . import res_partner
