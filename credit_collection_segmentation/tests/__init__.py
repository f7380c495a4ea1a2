from . import test_collection_segmentation
