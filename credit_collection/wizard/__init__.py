from . import credit_collection_dispute_resolve
from . import credit_collection_block
