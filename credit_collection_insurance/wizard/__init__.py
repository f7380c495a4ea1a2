from . import credit_insurance_import
from . import credit_insurance_import_line
