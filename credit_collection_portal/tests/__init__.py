from . import test_portal_flows, test_portal_links, test_portal_routes, test_portal_security, test_portal_tours
