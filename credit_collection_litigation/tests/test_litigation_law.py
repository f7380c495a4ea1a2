"""Litigation under French law: the formal notice archived on the case, the transfer refused during an
insolvency proceeding (L622-21), the case file's summary as a PDF, the demo's case in court."""

import io
import zipfile
from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.credit_collection.tests.test_collection_documents import DocumentsCommon
from odoo.addons.credit_collection.tests.test_collection_law import LawCommon


def days(n):
    return timedelta(days=n)


@tagged("post_install", "-at_install")
class TestLitigationLaw(LawCommon):
    def test_archived_formal_notice_allows_litigation(self):
        self._invoice(1000.0, self.today - days(60))
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        as_collector = case.with_user(self.collector)
        with self.assertRaisesRegex(UserError, "formal notice"):
            as_collector.write({"stage": "litigation", "procedure": "order_for_payment"})
        self.env["credit.collection.case.document"].with_user(self.collector).create(
            {"case_id": case.id, "name": "Mise en demeure LRAR", "category": "formal_notice"}
        )
        as_collector.write({"stage": "litigation", "procedure": "order_for_payment"})
        self.assertEqual(case.stage, "litigation")
        report = self.env.ref("credit_collection_litigation.action_report_case_file")
        summary = report.with_user(self.collector)._render_qweb_html(report.report_name, case.ids)[0].decode()
        self.assertIn("Mise en demeure LRAR", summary, "the case file lists the formal notice archived")
        self.assertNotIn("No formal notice was sent", summary)

    def test_no_transfer_of_prior_debts_during_insolvency(self):
        self._invoice(3000.0, self.today - days(60))
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company, "litigation")
        self.env["credit.collection.insolvency"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "procedure": "receivership",
                "opening_date": self.today - days(5),
            }
        )
        bailiff = self.env["res.partner"].create(
            {"name": "Maître Huissier", "is_company": True, "collection_third_party_role": "bailiff"}
        )
        transfer = (
            self.env["credit.collection.case.transfer"]
            .with_user(self.collector)
            .create({"case_id": case.id, "third_party_id": bailiff.id})
        )
        with self.assertRaisesRegex(UserError, "L622-21"):
            transfer.action_send()
        self.assertEqual(transfer.state, "draft")


@tagged("post_install", "-at_install")
class TestCaseFilePdf(DocumentsCommon):
    def test_case_file_summary(self):
        self._invoice(2450.0, self.today - days(48))
        self._run_and_send(self.today)
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company)
        as_collector = case.with_user(self.collector).with_context(force_report_rendering=True)
        as_collector.action_export_case_file()
        archive = zipfile.ZipFile(io.BytesIO(case.case_file_attachment_id.raw))
        summary = [name for name in archive.namelist() if name.startswith("0_summary/")]
        self.assertEqual(len(summary), 1, archive.namelist())
        pages = self._pages(archive.read(summary[0]), "case_file")
        self._assert_sender_on_first_page(pages, "case file")
        self.assertIn(case.name, pages[0])
        self.assertNotIn("No formal notice was sent", " ".join(pages))
        self.assertIn("Formal notice", " ".join(pages))


@tagged("post_install", "-at_install")
class TestLitigationDemo(LawCommon):
    def test_demo_case_in_court_after_a_formal_notice(self):
        company = self.env.ref("credit_collection.demo_company_fr", raise_if_not_found=False)
        if not company:
            self.skipTest("installed without demo data")
        litigation = (
            self.env["credit.collection.case"]
            .sudo()
            .search([("company_id", "=", company.id), ("stage", "=", "litigation")])
        )
        self.assertEqual(len(litigation), 1)
        self.assertTrue(
            litigation.document_ids.filtered(lambda d: d.category == "formal_notice"), "in court after a formal notice"
        )
