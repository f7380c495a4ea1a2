"""The letters of a French company, rendered to PDF and read back: the articles of French law quoted, in
French, for a consumer and between professionals."""

from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.credit_collection.tests.test_collection_documents import DocumentsCommon


def days(n):
    return timedelta(days=n)


@tagged("post_install", "-at_install")
class TestFrenchLetters(DocumentsCommon):
    """A French company with the French policies: what French law adds to its letters."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company._collection_set_french_defaults()

    @classmethod
    def _consumer_policy(cls):
        shipped = cls.env.ref("l10n_fr_credit_collection.policy_france_b2c").sudo()  # main company's
        return shipped.copy({"company_id": cls.company.id}).sudo(False)

    def test_consumer_letter_in_french(self):
        self.consumer.write({"lang": "fr_FR", "street": "3 allée des Tilleuls", "zip": "69100", "city": "Villeurbanne"})
        self._invoice(102.0, self.today - days(41), partner=self.consumer)
        run = self._run_and_send(self.today)
        letter = run.action_ids.filtered(lambda a: a.channel == "letter")
        pages = self._pages(self._pdf("credit_collection.action_report_collection_letter", letter), "letter_fr")
        text = " ".join(pages)
        self.assertIn("732829320", pages[0])
        self.assertIn("Lettre recommandée avec accusé de réception", pages[0])
        self.assertIn("article 1344 du Code civil", text)
        self.assertIn("article 1231-6 du Code civil", text)
        self.assertNotIn("L441-10", text)
        self.assertNotIn("40,00", text)
        self.assertIn("au capital de", pages[-1])

    def test_b2b_formal_notice_quotes_l441_10(self):
        self.customer.lang = "fr_FR"
        self.level_formal.write({"interest_mode": "legal_b2b", "recovery_fee": 40.0})
        self._invoice(1000.0, self.today - days(45))
        run = self._run_and_send(self.today)
        letter = run.action_ids.filtered(lambda a: a.channel == "letter")
        text = " ".join(self._pages(self._pdf("credit_collection.action_report_collection_letter", letter), "b2b_fr"))
        self.assertIn("article 1344 du Code civil", text)
        self.assertIn("majoré de 10 points (article L441-10 du Code de commerce)", text)
        self.assertIn("indemnité forfaitaire pour frais de recouvrement", text)
        self.assertIn("40 € par facture", text)
