from . import credit_collection_demo
