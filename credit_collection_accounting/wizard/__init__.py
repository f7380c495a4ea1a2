from . import credit_collection_outcome_wizard
