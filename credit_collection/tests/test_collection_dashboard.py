from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestDashboardInBrowser(HttpCase):
    def test_dashboard_shows_the_kpis(self):
        admin = self.env.ref("base.user_admin")
        admin.group_ids |= self.env.ref("credit_collection.group_collection_manager")
        expected = self.env["credit.collection.kpi.snapshot"].with_user(admin).with_company(
            admin.company_id).get_dashboard_data()
        overdue = next(card["value"] for card in expected["cards"] if card["key"] == "receivables_overdue")
        code = """
            const expected = %r;
            (async () => {
                for (let i = 0; i < 200; i++) {
                    const value = document.querySelector('[data-kpi="receivables_overdue"] .o_collection_kpi_value');
                    const cards = document.querySelectorAll('.o_collection_kpi_card').length;
                    if (value && document.querySelector('.o_collection_dashboard canvas')) {
                        const text = value.textContent.replace(/\\s/g, ' ').trim();
                        if (cards === 13 && text === expected.replace(/\\s/g, ' ').trim()) {
                            console.log('test successful');
                        } else {
                            console.error('dashboard shows ' + cards + ' cards, overdue ' + text + ' instead of ' + expected);
                        }
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                console.error('the dashboard did not render');
            })();
        """ % overdue
        self.browser_js("/odoo/action-credit_collection.action_collection_dashboard", code, login="admin",
                        timeout=90)
