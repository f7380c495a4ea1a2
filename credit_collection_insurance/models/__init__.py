from . import credit_insurance_policy
from . import credit_insurance_decision
from . import credit_insurance_declaration
from . import credit_insurance_declaration_line
from . import credit_insurance_claim
from . import credit_insurance_coverage_report
from . import credit_collection_run
from . import res_partner
