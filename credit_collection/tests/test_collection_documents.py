"""The documents sent, rendered to PDF by this machine's wkhtmltopdf, read back as text and PNG.

Debian's wkhtmltopdf has no patched Qt: Odoo's header and footer do not render with it, so the
letterhead and the legal footer must come with the page body. Set CC_PDF_DIR to keep the PNG pages.
"""

import glob
import os
import re
import shutil
import subprocess
import tempfile
from datetime import timedelta

from odoo.tests import tagged
from odoo.tools.misc import format_date

from odoo.addons.base.models.ir_actions_report import _wkhtml

from .test_collection_law import LawCommon


def days(n):
    return timedelta(days=n)


def squeeze(text):
    return re.sub(r"\s+", " ", text)


class DocumentsCommon(LawCommon):
    """The company's letterhead and legal mentions; the PDFs read back as text, page by page."""

    def setUp(self):
        super().setUp()
        self.enterContext(self.allow_pdf_render())  # wkhtmltopdf fetches the report assets from the server

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "name": "Ateliers Test SAS",
                "street": "12 rue de la République",
                "zip": "69002",
                "city": "Lyon",
                "country_id": cls.env.ref("base.fr").id,
                "company_registry": "732829320",
                "vat": "FR44732829320",
                "collection_legal_form": "SAS",
                "collection_share_capital": 150000.0,
                "collection_trade_register": "RCS Lyon",
                "email": "compta@ateliers-test.example",
            }
        )
        cls.customer.write({"street": "4 rue Pasteur", "zip": "69003", "city": "Lyon"})
        cls.level_formal.auto_send = True

    def _pdf(self, xmlid, records, **context):
        report = self.env.ref(xmlid).with_context(force_report_rendering=True, **context)
        content, kind = report._render_qweb_pdf(report.report_name, records.ids)
        self.assertEqual(kind, "pdf")
        return content

    def _pages(self, pdf, name):
        """Text of each page (pdftotext) after checking that every page turns into a PNG (pdftoppm)."""
        self.assertTrue(pdf.startswith(b"%PDF"), "%s is a PDF, not HTML" % name)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "%s.pdf" % name)
            with open(path, "wb") as handle:
                handle.write(pdf)
            subprocess.run(["pdftoppm", "-png", "-r", "70", path, os.path.join(tmp, name)], check=True)
            pngs = sorted(glob.glob(os.path.join(tmp, "%s*.png" % name)))
            self.assertTrue(pngs, "pdftoppm made no page of %s" % name)
            for png in pngs:
                self.assertGreater(os.path.getsize(png), 5000, "%s is not a blank page" % png)
            if os.environ.get("CC_PDF_DIR"):
                os.makedirs(os.environ["CC_PDF_DIR"], exist_ok=True)
                for png in pngs:
                    shutil.copy(png, os.environ["CC_PDF_DIR"])
                shutil.copy(path, os.environ["CC_PDF_DIR"])
            pages = []
            for number in range(1, len(pngs) + 1):
                text = subprocess.run(
                    ["pdftotext", "-f", str(number), "-l", str(number), path, "-"], check=True, capture_output=True
                ).stdout.decode()
                pages.append(squeeze(text))
            return pages

    def _assert_sender_on_first_page(self, pages, name):
        first = pages[0]
        for expected in ("Ateliers Test SAS", "12 rue de la République", "69002 Lyon", "732829320"):
            self.assertIn(expected, first, "%s: the sender's %r on page 1" % (name, expected))
        last = pages[-1]
        for expected in ("SAS with a share capital of", "150,000.00", "RCS Lyon", "FR44732829320"):
            self.assertIn(expected, last, "%s: legal footer %r" % (name, expected))


@tagged("post_install", "-at_install")
class TestDocumentsPdf(DocumentsCommon):
    def test_formal_notice_letter(self):
        # Enough invoices for the letter to run onto a second page.
        for index in range(22):
            self._invoice(100.0 + index * 37.5, self.today - days(48 + index))
        self._invoice(310.0, self.today - days(45))
        # Planned a week ago, sent today: dated today.
        run = self.env["credit.collection.run"].create({"company_id": self.company.id, "date": self.today - days(7)})
        run._plan()
        letter = run.action_ids.filtered(lambda a: a.channel == "letter")
        self.assertEqual(letter.level_id, self.level_formal)
        self._send_now(letter)
        self.assertEqual(letter.state, "sent")
        pages = self._pages(self._pdf("credit_collection.action_report_collection_letter", letter), "letter")
        self._assert_sender_on_first_page(pages, "letter")
        first = pages[0]
        self.assertIn("Durand Matériaux", first, "the recipient")
        self.assertIn(
            format_date(self.env, self.today, lang_code="en_US", date_format="long"), first, "dated the day it is sent"
        )
        self.assertNotIn(format_date(self.env, run.date, lang_code="en_US", date_format="long"), first)
        self.assertIn("Registered letter with acknowledgement of receipt", first)
        self.assertGreater(len(pages), 1)
        closing = next(page for page in pages if "Yours faithfully" in page)
        self.assertIn("Accounts receivable department", closing, "the signature stays with the closing")
        self.assertIn("This letter constitutes a formal notice", closing, "the closing stays with the end of the body")
        self.assertIn("If you have paid in the meantime", closing)

    def test_statements_of_a_batch_rendered_together_and_split_per_customer(self):
        """The sending lane renders the statements of its batch in one wkhtmltopdf call and splits them: each
        reminder attaches its own customer's statement, whole (one of them runs onto a second page)."""
        if not _wkhtml().is_patched_qt:
            self.skipTest("an unpatched wkhtmltopdf renders one document a call: statements one by one")
        self.level_1.write({"email_attach_statement": True, "auto_send": False})
        other = self.env["res.partner"].create(
            {"name": "Martin Frères", "email": "compta@martin.example", "is_company": True, "lang": "en_US"}
        )
        for index in range(40):
            self._invoice(100.0 + index, self.today - days(6), partner=other)
        self._invoice(777.0, self.today - days(6))
        actions = self._run(self.today).action_ids.filtered(lambda a: a.channel == "email")
        self.assertEqual(actions.partner_id, self.customer | other)
        actions.sudo().with_context(force_report_rendering=True)._prepare_statements()
        pages = {}
        for action in actions:
            self.assertTrue(action.statement_attachment_id, "rendered with the batch")
            pages[action.partner_id] = self._pages(action.statement_attachment_id.raw, "statement-%s" % action.id)
        self.assertEqual(len(pages[self.customer]), 1)
        self.assertIn("777.00", pages[self.customer][0])
        self.assertNotIn("Martin Frères", " ".join(pages[self.customer]))
        self.assertGreater(len(pages[other]), 1, "a long statement stays whole")
        self.assertIn("Martin Frères", pages[other][0])
        self.assertNotIn("777.00", " ".join(pages[other]))
        self.assertNotEqual(actions[0].statement_attachment_id, actions[1].statement_attachment_id)

    def test_statement(self):
        self._invoice(1200.0, self.today - days(20))
        self._invoice(800.0, self.today + days(10))
        pdf = self._pdf(
            "credit_collection.action_report_statement", self.customer, collection_company_id=self.company.id
        )
        pages = self._pages(pdf, "statement")
        self._assert_sender_on_first_page(pages, "statement")
        self.assertIn("Statement of account", pages[0])
        self.assertIn("Durand Matériaux", pages[0])

    def test_claim_declaration(self):
        mandatary = self.env["res.partner"].create(
            {
                "name": "SELARL Mandataires Associés",
                "is_company": True,
                "lang": "fr_FR",
                "street": "1 place Bellecour",
                "zip": "69002",
                "city": "Lyon",
            }
        )
        invoice = self._invoice(3000.0, self.today - days(20))
        proceeding = (
            self.env["credit.collection.insolvency"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "procedure": "liquidation",
                    "opening_date": self.today - days(10),
                    "publication_date": self.today - days(5),
                    "court": "Tribunal de commerce de Lyon",
                    "mandatary_id": mandatary.id,
                }
            )
        )
        pdf = self._pdf("credit_collection.action_report_claim_declaration", proceeding)
        pages = self._pages(pdf, "claim_declaration")
        self.assertIn("732829320", pages[0])
        self.assertIn("SELARL Mandataires Associés", pages[0])
        text = " ".join(pages)
        self.assertIn("Déclaration de créance", text)
        self.assertIn("liquidation judiciaire", text.lower())
        self.assertIn(invoice.name, text)
        self.assertIn("sincère et véritable", text)
        self.assertIn("au capital de", pages[-1])
