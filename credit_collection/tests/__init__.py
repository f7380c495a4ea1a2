from . import test_foundation
from . import test_collection_engine
from . import test_sms_gateway
from . import test_collection_case
from . import test_collection_outcomes
from . import test_collection_litigation
