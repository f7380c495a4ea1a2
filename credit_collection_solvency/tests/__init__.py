from . import test_collection_solvency
