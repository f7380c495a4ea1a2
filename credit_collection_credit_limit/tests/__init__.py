from . import test_collection_credit_limit
