from . import test_collection_kpi
from . import test_collection_dashboard
from . import test_kpi_roles
