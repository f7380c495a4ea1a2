from . import credit_collection_case_transfer
from . import credit_collection_case_document
from . import credit_collection_case
from . import res_partner
from . import credit_collection_kpi
from . import credit_collection_demo
