from . import test_portal_flows, test_portal_security
