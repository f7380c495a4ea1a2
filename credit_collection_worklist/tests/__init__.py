from . import test_collection_worklist
