from . import credit_collection_action, res_partner
