from . import credit_collection_sms_gateway
from . import credit_collection_action
from . import res_company
from . import res_config_settings
