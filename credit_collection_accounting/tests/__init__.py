from . import test_collection_outcomes
