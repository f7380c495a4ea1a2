from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDashboardInBrowser(HttpCase):
    def test_dashboard_shows_the_kpis(self):
        """A French finance manager (Collection Manager, no other right) opens the dashboard of the demo
        company: its cards in French, the figures of the server, no negative number."""
        company = self.env.ref("credit_collection.demo_company_fr", raise_if_not_found=False)
        if not company:
            self.skipTest("no demo data")
        manager = new_test_user(
            self.env,
            "manager_dashboard",
            groups="base.group_user,credit_collection.group_collection_manager",
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
            lang="fr_FR",
        )
        expected = (
            self.env["credit.collection.kpi.snapshot"]
            .with_user(manager)
            .with_company(company)
            .with_context(lang="fr_FR")
            .get_dashboard_data()
        )
        overdue = next(card["value"] for card in expected["cards"] if card["key"] == "receivables_overdue")
        self.assertGreaterEqual(len(expected["cards"]), 12, "the engine's KPIs and those registered by add-ons")
        for card in expected["cards"]:
            self.assertTrue(card["raw"] is None or card["raw"] >= 0, card)
        code = """
            const expected = %r;
            const expectedCards = %d;
            (async () => {
                for (let i = 0; i < 200; i++) {
                    const value = document.querySelector('[data-kpi="receivables_overdue"] .o_collection_kpi_value');
                    const cards = document.querySelectorAll('.o_collection_kpi_card').length;
                    if (value && document.querySelector('.o_collection_dashboard canvas')) {
                        const text = value.textContent.replace(/\\s/g, ' ').trim();
                        const title = document.querySelector('.o_collection_dashboard h2').textContent.trim();
                        const negative = [...document.querySelectorAll('.o_collection_kpi_value')].map(
                            (node) => node.textContent.trim()).filter((shown) => /^[-−]/.test(shown));
                        if (cards !== expectedCards || text !== expected.replace(/\\s/g, ' ').trim()) {
                            console.error('dashboard shows ' + cards + ' cards, overdue ' + text
                                + ' instead of ' + expected);
                        } else if (title !== 'Tableau de bord du recouvrement') {
                            console.error('the dashboard is not in French: ' + title);
                        } else if (negative.length) {
                            console.error('negative figures: ' + negative.join(', '));
                        } else {
                            console.log('test successful');
                        }
                        return;
                    }
                    await new Promise((resolve) => setTimeout(resolve, 100));
                }
                console.error('the dashboard did not render');
            })();
        """ % (overdue, len(expected["cards"]))
        self.browser_js(
            "/odoo/action-credit_collection_kpi.action_collection_dashboard",
            code,
            login="manager_dashboard",
            timeout=90,
        )
