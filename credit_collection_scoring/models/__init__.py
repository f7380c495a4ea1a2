from . import credit_collection_payer_profile
from . import credit_collection_risk_model
from . import credit_collection_demo
from . import res_company
from . import res_config_settings
from . import res_partner
