from . import test_reply_reader
from . import test_reply_gateway
