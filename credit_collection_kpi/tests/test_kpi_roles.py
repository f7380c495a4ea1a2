from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.credit_collection.tests.test_roles import RolesCommon


@tagged("post_install", "-at_install")
class TestKpiRoles(RolesCommon):
    """The dashboard and the KPI history are the Collection Manager's; the aged balance every collector's."""

    def test_reporting(self):
        self._invoice(800.0, self.today - timedelta(days=45))
        data = self.env["credit.collection.kpi.snapshot"].with_user(self.manager).get_dashboard_data()
        self.assertTrue(data["cards"])
        self.env["credit.collection.kpi.snapshot"].with_user(self.manager).action_take_month_to_date()
        with self.assertRaises(AccessError):
            self.env["credit.collection.kpi.snapshot"].with_user(self.collector).action_take_month_to_date()
        action = self.env["credit.collection.aged.balance"].with_user(self.collector).action_open()
        self.assertEqual(action["res_model"], "credit.collection.aged.balance")
        rows = self.env["credit.collection.aged.balance"].with_user(self.collector).search([])
        self.assertIn(self.customer, rows.partner_id)
        self.assertEqual(rows.owner_id, self.collector, "each user has the rows it asked for")

        def visible(user):
            return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

        settings = self.env.ref("credit_collection.menu_collection_settings")
        dashboard = self.env.ref("credit_collection_kpi.menu_collection_dashboard")
        self.assertIn(dashboard.id, visible(self.manager))
        self.assertNotIn(dashboard.id, visible(self.collector))
        self.assertNotIn(settings.id, visible(self.manager), "Odoo's settings page is the administrator's")
