from . import credit_collection_action, credit_collection_level, res_config_settings, res_partner
