from . import test_collection_litigation
from . import test_litigation_law
