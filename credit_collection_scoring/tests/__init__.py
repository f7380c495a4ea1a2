from . import test_collection_scoring
