import base64
import io
from datetime import date

import xlsxwriter

from odoo.tests import tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestInsurerFileImport(InsuranceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alpha = cls.env["res.partner"].create(
            {"name": "Alpha Industrie", "is_company": True, "company_registry": "732 829 320"}
        )
        cls.beta = cls.env["res.partner"].create(
            {"name": "Beta Négoce", "is_company": True, "company_registry": "552100554"}
        )

    def _wizard(self, content, filename, user=None, **values):
        return (
            self.env["credit.insurance.import"]
            .with_user(user or self.env.user)
            .create(
                {
                    "policy_id": self.ins_policy.id,
                    "file": base64.b64encode(content),
                    "filename": filename,
                    "column_partner": "SIREN",
                    "column_state": "Décision",
                    "column_amount": "Montant",
                    "column_date_start": "Début",
                    "column_date_end": "Fin",
                    "column_reference": "Référence",
                    "column_amount_requested": False,
                    **values,
                }
            )
        )

    def _decisions(self):
        return self.env["credit.insurance.decision"].search([("policy_id", "=", self.ins_policy.id)])

    def test_csv_good_and_bad_rows(self):
        content = "\n".join(
            [
                "SIREN;Raison sociale;Décision;Montant;Début;Fin;Référence",
                "732829320;Alpha;Accordé;12 500,00;01/02/2025;31/01/2026;A-1",
                "552 100 554;Beta;Réduit;3 000,50;15/03/2025;;B-7",
                "999999999;Inconnu;Accordé;1 000,00;01/02/2025;;X-1",
                "732829320;Alpha;Peut-être;1 000,00;01/02/2025;;A-2",
                "552100554;Beta;Accordé;abc;01/02/2025;;B-8",
                "552100554;Beta;Accordé;1 000,00;32/13/2025;;B-9",
                "",
                "552100554;Beta;Refusé;;01/06/2025;;B-10",
            ]
        ).encode("utf-8")
        wizard = self._wizard(content, "decisions.csv")
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(len(wizard.line_ids), 7)
        self.assertEqual(wizard.valid_count, 3)
        self.assertEqual(wizard.error_count, 4)
        self.assertFalse(self._decisions(), "a preview writes nothing")
        errors = {line.row: line.error for line in wizard.line_ids if line.error}
        self.assertEqual(sorted(errors), [4, 5, 6, 7])
        self.assertIn("unknown customer 999999999", errors[4])
        self.assertIn("unknown decision Peut-être", errors[5])
        self.assertIn("invalid amount abc", errors[6])
        self.assertIn("invalid date 32/13/2025", errors[7])
        self.assertIn("Row 4: unknown customer", wizard.error_report)

        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.imported_count, 3)
        decisions = self._decisions()
        self.assertEqual(len(decisions), 3)
        alpha = decisions.filtered(lambda d: d.partner_id == self.alpha)
        self.assertEqual(
            (alpha.state, alpha.amount, alpha.date_start, alpha.date_end, alpha.reference),
            ("granted", 12500.0, date(2025, 2, 1), date(2026, 1, 31), "A-1"),
        )
        self.assertEqual(alpha.source, "import")
        beta = decisions.filtered(lambda d: d.partner_id == self.beta).sorted("date_start")
        self.assertEqual(beta.mapped("state"), ["reduced", "refused"])
        self.assertAlmostEqual(beta[0].amount, 3000.50)
        # The mapping is remembered on the policy.
        self.assertEqual(self.ins_policy.import_mapping["column_state"], "Décision")

        # The same file again: nothing doubled, every good row reported as already imported.
        again = self._wizard(content, "decisions.csv")
        again.action_import()
        self.assertEqual(again.imported_count, 0)
        self.assertEqual(len(self._decisions()), 3)
        self.assertEqual(len(again.line_ids.filtered(lambda line: line.error == "already imported")), 3)

    def test_xlsx_good_and_bad_rows(self):
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet()
        date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_row(0, 0, ["SIREN", "Décision", "Montant", "Début", "Fin", "Référence"])
        rows = [
            (732829320, "granted", 20000, date(2025, 1, 1), date(2025, 12, 31), "X-1"),
            ("552100554", "Résilié", None, date(2025, 4, 1), None, "X-2"),
            ("123", "granted", 5000, date(2025, 1, 1), None, "X-3"),
            (732829320, "granted", -5, date(2025, 1, 1), None, "X-4"),
            (732829320, "granted", 1000, "not a date", None, "X-5"),
        ]
        for index, (siren, state, amount, start, end, reference) in enumerate(rows, start=1):
            sheet.write(index, 0, siren)
            sheet.write(index, 1, state)
            if amount is not None:
                sheet.write_number(index, 2, amount)
            if isinstance(start, date):
                sheet.write_datetime(index, 3, start, date_format)
            else:
                sheet.write(index, 3, start)
            if end:
                sheet.write_datetime(index, 4, end, date_format)
            sheet.write(index, 5, reference)
        workbook.close()
        wizard = self._wizard(output.getvalue(), "insurer.xlsx")
        wizard.action_preview()
        self.assertEqual(wizard.valid_count, 2)
        errors = {line.row: line.error for line in wizard.line_ids if line.error}
        self.assertEqual(sorted(errors), [4, 5, 6])
        self.assertIn("unknown customer 123", errors[4])
        self.assertIn("negative amount", errors[5])
        self.assertIn("invalid date not a date", errors[6])
        wizard.action_import()
        decisions = self._decisions()
        self.assertEqual(len(decisions), 2)
        alpha = decisions.filtered(lambda d: d.partner_id == self.alpha)
        self.assertEqual(
            (alpha.amount, alpha.date_start, alpha.date_end), (20000.0, date(2025, 1, 1), date(2025, 12, 31))
        )
        self.assertEqual(decisions.filtered(lambda d: d.partner_id == self.beta).state, "cancelled")

    def test_missing_column_is_a_clear_error(self):
        wizard = self._wizard(b"SIREN;Decision\n732829320;granted\n", "short.csv")
        with self.assertRaisesRegex(Exception, "Columns not found in the file: .*Montant"):
            wizard.action_preview()

    def test_collector_imports_and_matches(self):
        collector = self.env["res.users"].create(
            {
                "name": "Collector Import",
                "login": "collector_import_insurance",
                "company_id": self.company.id,
                "company_ids": [(6, 0, self.company.ids)],
                "group_ids": [(6, 0, self.env.ref("credit_collection.group_collection_user").ids)],
            }
        )
        content = "SIREN;Décision;Montant;Début;Fin;Référence\n732829320;Accordé;1 000,00;01/02/2025;;C-1\n"
        wizard = self._wizard(content.encode(), "collector.csv", user=collector)
        wizard.action_preview()
        wizard.action_import()
        self.assertEqual(wizard.imported_count, 1)
        self.assertEqual(self._decisions().create_uid, collector)
        Report = self.env["credit.insurance.coverage.report"].with_user(collector)
        Report.action_refresh()
        self.assertTrue(Report.search([("partner_id", "=", self.alpha.id)]))
