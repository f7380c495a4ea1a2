from . import credit_collection_segment_rule
from . import credit_collection_demo
from . import credit_collection_run
from . import res_partner
