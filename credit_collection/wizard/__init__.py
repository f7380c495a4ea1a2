from . import credit_collection_dispute_resolve
from . import credit_collection_report_wizard
from . import credit_collection_block
