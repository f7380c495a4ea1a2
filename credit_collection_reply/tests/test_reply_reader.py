from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools.reply_reader import is_auto_reply, parse_amount, read_reply, written_text

# Thursday 3 December 2026: the date of the emails read below.
SENT_ON = date(2026, 12, 3)


@tagged("post_install", "-at_install")
class TestReplyReader(BaseCase):
    """The rules that read a reply, on hand cases in French and English."""

    def assertReads(self, text, kind, when=None, amount=None, reason=None):
        reading = read_reply(text, SENT_ON)
        self.assertEqual(reading.kind, kind, text)
        self.assertEqual(reading.date, when, text)
        self.assertEqual(reading.amount, amount, text)
        if reason:
            self.assertEqual(reading.reason, reason, text)
        return reading

    def test_french_promises(self):
        self.assertReads("Bonjour, je paierai le 15. Cordialement", "promise", date(2026, 12, 15))
        self.assertReads("Règlement prévu le 15/01/2027.", "promise", date(2027, 1, 15))
        self.assertReads("Nous ferons un virement de 1 250,00 € le 20 janvier.", "promise", date(2027, 1, 20), 1250.0)
        self.assertReads("Le paiement sera effectué fin du mois.", "promise", date(2026, 12, 31))
        self.assertReads("Nous vous réglerons demain 800 EUR", "promise", date(2026, 12, 4), 800.0)
        self.assertReads("Je paierai vendredi prochain", "promise", date(2026, 12, 4))
        self.assertReads("Nous allons régler dans 10 jours.", "promise", date(2026, 12, 13))
        # "le 2" already past this month: the promise is for next month's 2nd.
        self.assertReads("Je vous paierai le 2.", "promise", date(2027, 1, 2))
        # Without a date: a promise whose date the collector fills in before accepting.
        self.assertReads("Nous allons régler rapidement.", "promise")

    def test_english_promises(self):
        self.assertReads("I will pay on January 15", "promise", date(2027, 1, 15))
        self.assertReads("We will pay next Friday €1,250.00", "promise", date(2026, 12, 4), 1250.0)
        self.assertReads("We'll pay in 10 days.", "promise", date(2026, 12, 13))
        self.assertReads("Payment is scheduled for 12/20/2026, EUR 2,000", "promise", date(2026, 12, 20), 2000.0)
        self.assertReads("We will settle tomorrow.", "promise", date(2026, 12, 4))

    def test_payments_announced(self):
        self.assertReads("Payé hier", "payment", date(2026, 12, 2))
        self.assertReads("Hello, paid yesterday, regards", "payment", date(2026, 12, 2))
        self.assertReads("Virement de 1.250,00 EUR effectué le 02/12", "payment", date(2026, 12, 2), 1250.0)
        self.assertReads("Nous avons réglé lundi dernier 300 €.", "payment", date(2026, 11, 30), 300.0)
        self.assertReads("The transfer was sent today.", "payment", date(2026, 12, 3))
        # A payment said without its date is dated by the email.
        self.assertReads("We have paid the invoice.", "payment", date(2026, 12, 3))

    def test_disputes(self):
        self.assertReads("La facture est fausse.", "dispute", reason="other")
        self.assertReads("Nous contestons cette facture.", "dispute", reason="other")
        self.assertReads("Wrong invoice, please check.", "dispute", reason="other")
        self.assertReads("We have not received the goods yet.", "dispute", reason="delivery")
        self.assertReads("Nous n'avons jamais reçu la marchandise.", "dispute", reason="delivery")
        self.assertReads("Nous avons déjà payé cette facture.", "dispute", reason="already_paid")
        self.assertReads(
            "Le prix facturé est erroné : 1 200,00 € au lieu de 1 000,00 €", "dispute", amount=1200.0, reason="price"
        )
        self.assertReads("Les pièces livrées sont défectueuses, nous contestons.", "dispute", reason="quality")

    def test_nothing_to_propose(self):
        self.assertReads("Nous avons bien reçu votre relance, merci.", False)
        self.assertReads("Thank you, I forwarded it to our accountant.", False)

    def test_quoted_reminder_is_not_read(self):
        text = (
            "Bonjour\nje paierai le 15\n\nLe jeu. 3 déc. 2026 à 10:00, Ateliers <a@b.example> a écrit :\n"
            "> Facture FAC/2026/0012 échue le 01/11, 500,00 €, à régler avant le 10/12\n"
        )
        self.assertReads(text, "promise", date(2026, 12, 15))
        self.assertNotIn("FAC/2026/0012", written_text(text)[0])
        outlook = "Contestons.\n\nDe : Ateliers <a@b.example>\nEnvoyé : jeudi\nObjet : Relance\n\nMerci de payer le 10."
        self.assertReads(outlook, "dispute", reason="other")

    def test_forwarded_reply(self):
        text = (
            "Pour info\n\n---------- Message transféré ---------\nDe : Jean Durand <compta@durand.example>\n"
            "Date : mer. 2 déc. 2026\nObjet : Re: Relance\nÀ : Paul <paul@x.example>\n\n"
            "Nous paierons le 10/12/2026 la somme de 800 €.\n"
        )
        reading = self.assertReads(text, "promise", date(2026, 12, 10), 800.0)
        self.assertEqual(reading.forwarded_from, "compta@durand.example")
        self.assertIn("800 €", reading.evidence)

    def test_amounts(self):
        for written, amount in (
            ("1 250,00", 1250.0),
            ("1\u202f250,00", 1250.0),
            ("1.250,00", 1250.0),
            ("1,250.00", 1250.0),
            ("1250", 1250.0),
            ("12,5", 12.5),
            ("1,250", 1250.0),
        ):
            self.assertEqual(parse_amount(written.replace("\u202f", " ")), amount, written)
        self.assertReads("Nous paierons 1\u202f250,00\u00a0€ le 15/12/2026", "promise", date(2026, 12, 15), 1250.0)

    def test_automatic_replies(self):
        self.assertTrue(is_auto_reply({"Auto-Submitted": "auto-replied"}, "Re: Relance"))
        self.assertTrue(is_auto_reply({"X-Autoreply": "yes"}, "Re: Relance"))
        self.assertTrue(is_auto_reply({"X-Autorespond": "1"}, "Re: Relance"))
        self.assertTrue(is_auto_reply({"Precedence": "auto_reply"}, "Re: Relance"))
        self.assertTrue(is_auto_reply({"Precedence": "bulk"}, "Re: Relance"))
        self.assertTrue(is_auto_reply({}, "Réponse automatique : absent jusqu'au 5"))
        self.assertTrue(is_auto_reply({}, "Absence du bureau"))
        self.assertTrue(is_auto_reply({}, "Out of office: John"))
        self.assertTrue(is_auto_reply({}, "Automatic reply: Relance"))
        self.assertFalse(is_auto_reply({"Auto-Submitted": "no"}, "Re: Relance"))
        self.assertFalse(is_auto_reply({"Precedence": "first-class"}, "RE: Relance - absence de paiement"))
