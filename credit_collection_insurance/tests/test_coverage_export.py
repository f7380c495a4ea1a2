import io
import zipfile
from datetime import timedelta

import xlrd

from odoo.tests import tagged

from .common import InsuranceCommon


@tagged("post_install", "-at_install")
class TestCoverageExport(InsuranceCommon):
    def test_xlsx_export_read_back(self):
        other = self.env["res.partner"].create({"name": "Zeta Bâtiment", "is_company": True})
        self._decision(10000.0)
        self._decision(1000.0, partner=other)
        self._invoice(4000.0, self.today - timedelta(days=5))
        self._invoice(3000.0, self.today - timedelta(days=5), partner=other)
        Report = self.env["credit.insurance.coverage.report"]
        Report._refresh(self.company)
        lines = Report.search([("partner_id", "in", (self.customer + other).ids)], order="partner_id")
        action = lines.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(int(action["url"].split("/")[-1].split("?")[0]))
        content = attachment.raw

        book = xlrd.open_workbook(file_contents=content)
        sheet = book.sheet_by_index(0)
        header = sheet.row_values(0)
        self.assertEqual(header[0], "Customer")
        self.assertIn("Covered", header)
        self.assertEqual(sheet.nrows, 1 + 2 + 1)  # header, two customers, totals
        col = {name: header.index(name) for name in ("Outstanding", "Covered", "Over the limit", "Coverage rate")}
        by_name = {sheet.cell_value(row, 0): row for row in range(1, 3)}
        row = by_name[self.customer.display_name]
        self.assertAlmostEqual(sheet.cell_value(row, col["Outstanding"]), 4000.0)
        self.assertAlmostEqual(sheet.cell_value(row, col["Covered"]), 3600.0)
        row = by_name[other.display_name]
        self.assertAlmostEqual(sheet.cell_value(row, col["Over the limit"]), 2000.0)
        self.assertAlmostEqual(sheet.cell_value(row, col["Covered"]), 900.0)
        self.assertEqual(sheet.cell_value(3, 0), "Total")
        self.assertAlmostEqual(sheet.cell_value(3, col["Outstanding"]), 7000.0)
        self.assertAlmostEqual(sheet.cell_value(3, col["Covered"]), 4500.0)
        self.assertAlmostEqual(sheet.cell_value(3, col["Coverage rate"]), 4500.0 / 7000.0)

        # Number formats and the frozen header row, from the file's own XML.
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            styles = archive.read("xl/styles.xml").decode()
            worksheet = archive.read("xl/worksheets/sheet1.xml").decode()
        self.assertIn('formatCode="#,##0.00"', styles)
        self.assertIn('formatCode="0.00%"', styles)
        self.assertIn('state="frozen"', worksheet)
        self.assertIn('ySplit="1"', worksheet)
        self.assertIn("SUM(K2:K3)", worksheet)
