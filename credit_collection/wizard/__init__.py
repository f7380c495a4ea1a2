from . import credit_collection_dispute_resolve
