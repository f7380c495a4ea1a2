from . import test_matching
from . import test_declaration
from . import test_import
from . import test_claim
from . import test_multi_company
from . import test_coverage_export
from . import test_coverage_ui
from . import test_roles
