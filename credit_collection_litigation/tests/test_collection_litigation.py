import base64
import csv
import io
import zipfile
from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.credit_collection.tests.common import CollectionCommon

FAKE_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def days(n):
    return timedelta(days=n)


@tagged("post_install", "-at_install")
class TestCollectionLitigation(CollectionCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bailiff = cls.env["res.partner"].create(
            {
                "name": "Maître Lefèvre, commissaire de justice",
                "is_company": True,
                "collection_third_party_role": "bailiff",
            }
        )
        cls.agency = cls.env["res.partner"].create(
            {"name": "Recouvrement Express", "is_company": True, "collection_third_party_role": "agency"}
        )
        cls.Case = cls.env["credit.collection.case"]
        cls.Transfer = cls.env["credit.collection.case.transfer"]

    def _run_on(self, date, company=None):
        return self._run_and_deliver(date, company)

    def _transfer(self, case, party=None, **values):
        return self.Transfer.create({"case_id": case.id, "third_party_id": (party or self.bailiff).id, **values})

    # ------------------------------------------------------------------ transfers
    def test_transfer_flow_fees_and_dunning_blocked(self):
        self._invoice(1000.0, self.today - days(50))
        case = self.Case._get_or_open(self.customer, self.company)
        transfer = self._transfer(case, fee_fixed=100.0, fee_percent=10.0)
        self.assertEqual(transfer.role, "bailiff", "the role comes from the third party")
        self.assertEqual(transfer.amount_transferred, 1000.0, "by default the case's amount due")
        self.assertEqual(transfer.state, "draft")
        self.assertFalse(self.customer.collection_blocked)

        transfer.action_send()
        self.assertEqual(transfer.state, "sent")
        self.assertTrue(self.customer.collection_blocked)
        self.assertIn("Lefèvre", self.customer.collection_block_reason)
        self.assertTrue(case.escalated)
        self.assertTrue(case.message_ids.filtered(lambda m: "Case transferred to Maître Lefèvre" in (m.body or "")))
        with self.assertRaises(UserError):
            transfer.action_send()
        self.assertFalse(self._run_on(self.today).action_ids, "a transferred case leaves automated dunning")

        transfer.action_start()
        self.assertEqual(transfer.state, "in_progress")
        transfer.amount_recovered = 600.0
        self.assertAlmostEqual(transfer.fee_amount, 160.0, msg="100 fixed + 10% of 600 recovered")
        transfer.action_close_result()
        self.assertEqual(transfer.state, "partial")
        self.assertTrue(case.message_ids.filtered(lambda m: "Partially recovered" in (m.body or "")))

        transfer.action_create_fee_bill()
        bill = transfer.fee_bill_id
        self.assertEqual((bill.move_type, bill.state, bill.partner_id), ("in_invoice", "draft", self.bailiff))
        self.assertAlmostEqual(bill.amount_total, 160.0)
        transfer.action_create_fee_bill()
        self.assertEqual(
            self.env["account.move"].search_count([("partner_id", "=", self.bailiff.id)]),
            1,
            "one fee bill per transfer",
        )

    def test_transfer_results_and_return(self):
        self._invoice(800.0, self.today - days(50))
        case = self.Case._get_or_open(self.customer, self.company)
        recovered = self._transfer(case, self.agency, fee_percent=15.0)
        recovered.action_send()
        recovered.amount_recovered = 800.0
        recovered.action_close_result()
        self.assertEqual(recovered.state, "recovered")
        self.assertAlmostEqual(recovered.fee_amount, 120.0)

        self.customer.write({"collection_blocked": False, "collection_block_reason": False})
        failed = self._transfer(case, fee_fixed=50.0)
        failed.action_send()
        failed.action_close_result()
        self.assertEqual(failed.state, "failed", "nothing recovered")
        self.assertAlmostEqual(failed.fee_amount, 50.0)
        failed.action_return()
        self.assertEqual(failed.state, "returned")
        self.assertFalse(self.customer.collection_blocked, "a returned case goes back to dunning")

    def test_transfer_keeps_dunning_when_asked(self):
        self._invoice(800.0, self.today - days(50))
        case = self.Case._get_or_open(self.customer, self.company)
        transfer = self._transfer(case, self.agency, leave_dunning=False)
        transfer.action_send()
        self.assertFalse(self.customer.collection_blocked)
        self.assertFalse(case.escalated)

    # ------------------------------------------------------------------ documents
    def test_documents_with_categories(self):
        case = self.Case._get_or_open(self.customer, self.company)
        Document = self.env["credit.collection.case.document"]
        for category in ("registered_letter", "formal_notice", "procedural_act", "judgment", "correspondence"):
            Document.create(
                {
                    "case_id": case.id,
                    "name": category,
                    "category": category,
                    "file": base64.b64encode(FAKE_PDF),
                    "file_name": "%s.pdf" % category,
                }
            )
        self.assertEqual(case.document_count, 5)
        self.assertEqual(
            sorted(case.document_ids.mapped("category")),
            ["correspondence", "formal_notice", "judgment", "procedural_act", "registered_letter"],
        )
        stored = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "credit.collection.case.document"),
                ("res_field", "=", "file"),
                ("res_id", "in", case.document_ids.ids),
            ]
        )
        self.assertEqual(len(stored), 5, "document files are attachments")

    # ------------------------------------------------------------------ case file
    def test_case_file_contents(self):
        self.env = self.env(context=dict(self.env.context, force_report_rendering=True))
        self.enterContext(self.allow_pdf_render())  # wkhtmltopdf fetches the report assets from the server
        due = self.today - days(45)
        first = self._invoice(1000.0, due)
        second = self._invoice(250.0, self.today - days(20))
        self._run_on(due + days(6))  # reminder 1 by email
        self._run_on(self.today)  # formal notice: email and letter, reminder 2 on the second invoice
        case = self.env["credit.collection.case"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id), ("stage", "!=", "closed")]
        )
        sent = case.action_ids.filtered(lambda a: a.state == "sent")
        self.assertIn("letter", sent.mapped("channel"))
        Document = self.env["credit.collection.case.document"]
        Document.create(
            {
                "case_id": case.id,
                "name": "Jugement TC Lyon",
                "category": "judgment",
                "file": base64.b64encode(FAKE_PDF),
                "file_name": "jugement.pdf",
            }
        )
        Document.create(
            {
                "case_id": case.id,
                "name": "Courrier du client",
                "category": "correspondence",
                "file": base64.b64encode(b"Bonjour"),
                "file_name": "courrier.txt",
            }
        )
        Document.create({"case_id": case.id, "name": "AR perdu", "category": "registered_letter"})

        case.action_export_case_file()
        attachment = case.case_file_attachment_id
        self.assertEqual(
            (attachment.res_model, attachment.res_id, attachment.mimetype), (case._name, case.id, "application/zip")
        )
        archive = zipfile.ZipFile(io.BytesIO(attachment.raw))
        names = archive.namelist()
        self.assertIn("index.html", names)
        self.assertIn("index.csv", names)
        self.assertEqual(
            [n for n in names if n.startswith("1_statement/")], ["1_statement/Statement - Durand Matériaux.pdf"]
        )
        invoice_files = sorted(n for n in names if n.startswith("2_invoices/"))
        self.assertEqual(invoice_files, sorted("2_invoices/%s.pdf" % m.name.replace("/", "_") for m in first | second))
        reminder_files = [n for n in names if n.startswith("3_reminders/")]
        expected = sent.filtered(lambda a: a.channel in ("email", "letter"))
        self.assertEqual(len(reminder_files), len(expected), "every email and letter sent")
        self.assertEqual(
            len([n for n in reminder_files if n.endswith(" letter.pdf")]),
            len(expected.filtered(lambda a: a.channel == "letter")),
        )
        self.assertEqual(
            sorted(n for n in names if n.startswith("4_documents/")),
            ["4_documents/%s Courrier du client.txt" % self.today, "4_documents/%s Jugement TC Lyon.pdf" % self.today],
        )
        for name in names:
            if name.endswith(".pdf"):
                self.assertTrue(archive.read(name).startswith(b"%PDF"), name)
        index = archive.read("index.html").decode()
        for name in names:
            if not name.startswith("index."):
                self.assertIn(name, index)
        rows = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig")), delimiter=";"))
        errors = [row for row in rows if row[-1].startswith("Error")]
        self.assertEqual(len(errors), 1, "the document without a file is reported")
        self.assertEqual(errors[0][0], "", "and has no file in the archive")
        self.assertIn("AR perdu", errors[0][-1])
        self.assertEqual(len(rows) - 1, 1 + 1 + 2 + len(sent) + 3, "every source has a line in the index")
        sms_lines = [row for row in rows if "SMS" in row[1]]
        self.assertEqual(len(sms_lines), len(sent.filtered(lambda a: a.channel == "sms")))

    def test_transfer_export_attaches_the_file_to_both(self):
        self._invoice(500.0, self.today - days(50))
        case = self.Case._get_or_open(self.customer, self.company)
        transfer = self._transfer(case)
        result = transfer.action_export_case_file()
        self.assertEqual(result["url"], "/web/content/%s?download=true" % case.case_file_attachment_id.id)
        self.assertEqual(transfer.case_file_attachment_id, case.case_file_attachment_id)
        on_transfer = self.env["ir.attachment"].search(
            [("res_model", "=", transfer._name), ("res_id", "=", transfer.id)]
        )
        self.assertEqual(len(on_transfer), 1)
        self.assertTrue(zipfile.is_zipfile(io.BytesIO(on_transfer.raw)))

    # ------------------------------------------------------------------ companies
    def test_companies_kept_apart(self):
        company_2 = self.company_data_2["company"]
        self._invoice(700.0, self.today - days(50))
        other_invoice = self._invoice(900.0, self.today - days(50), company=company_2)
        case_1 = self.Case._get_or_open(self.customer, self.company)
        case_2 = self.Case._get_or_open(self.customer, company_2)
        transfer_2 = self._transfer(case_2)
        document_2 = self.env["credit.collection.case.document"].create(
            {"case_id": case_2.id, "name": "Acte", "category": "procedural_act"}
        )
        self.assertEqual(transfer_2.company_id, company_2)
        self.assertAlmostEqual(transfer_2.amount_transferred, 900.0)
        archive = zipfile.ZipFile(io.BytesIO(case_1._export_case_file().raw))
        rows = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig")), delimiter=";"))
        self.assertEqual(
            [row[3] for row in rows if row[0].startswith("2_invoices/")],
            ["700.00"],
            "another company's invoice (%s) stays out of the case file" % other_invoice.name,
        )
        collector = self.env["res.users"].create(
            {
                "name": "Collector one",
                "login": "collector_litigation",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "group_ids": [(6, 0, [self.env.ref("credit_collection.group_collection_user").id])],
            }
        )
        self.assertFalse(self.Transfer.with_user(collector).search([("case_id", "=", case_2.id)]))
        with self.assertRaises(AccessError):
            transfer_2.with_user(collector).read(["name"])
        with self.assertRaises(AccessError):
            document_2.with_user(collector).read(["name"])

    def test_transfers_in_the_kpis(self):
        """The cases transferred are a registered KPI and the third parties' fees part of the cost of
        collection (with credit_collection_kpi installed: in the KPI set too)."""
        case = self.env["credit.collection.case"]._get_or_open(self.customer, self.company, "litigation")
        agency = self.env["res.partner"].create(
            {"name": "Agence Recouvrement", "is_company": True, "collection_third_party_role": "agency"}
        )
        Transfer = self.env["credit.collection.case.transfer"]
        sent = Transfer.create(
            {
                "case_id": case.id,
                "third_party_id": agency.id,
                "fee_fixed": 50.0,
                "fee_percent": 10.0,
                "amount_recovered": 300.0,
            }
        )
        sent.action_send()
        Transfer.create({"case_id": case.id, "third_party_id": agency.id})  # a draft: not transferred
        Kpi = self.env["credit.collection.kpi"]
        self.assertIn("cases_transferred", [registration["name"] for registration in Kpi._kpi_registrations()])
        period = {"company": self.company.id, "from": self.today.replace(day=1), "to": self.today}
        self.assertEqual(Kpi._kpi_cases_transferred(self.company, period, {}), 1)
        currency = self.company.currency_id
        self.assertEqual(currency.compare_amounts(Kpi._third_party_fees(period), 80.0), 0)  # 50 + 10 % of 300
        if "credit.collection.kpi.snapshot" not in self.env:
            return
        kpi = Kpi._compute(self.company, self.today.replace(day=1), self.today)
        self.assertEqual(kpi["cases_transferred"], 1)
        self.assertEqual(currency.compare_amounts(kpi["third_party_fees"], 80.0), 0)
