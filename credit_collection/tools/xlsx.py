"""One formatted table per worksheet with xlsxwriter: bold header (frozen), number formats, widths,
a totals row (a formula with its value, so readers that do not compute see it too)."""

import io
from datetime import date, datetime

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

FORMATS = {
    "money": "#,##0.00",
    "number": "#,##0.0",
    "integer": "#,##0",
    "percent": "0.0%",
    "date": 14,  # the built-in short date: shown in the reader's locale (31/12/2025 in French)
}


def workbook_bytes(sheets):
    """``sheets``: [(title, columns, rows, total_label)] where columns are (label, kind, width, total)
    with kind in text/money/number/integer/percent/date and total True to sum the column; a falsy
    total_label means no totals row. Returns the .xlsx file content."""
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"})
    cell = {kind: workbook.add_format({"num_format": pattern}) for kind, pattern in FORMATS.items()}
    total_cell = {
        kind: workbook.add_format({"bold": True, "top": 1, "num_format": pattern}) for kind, pattern in FORMATS.items()
    }
    total_text = workbook.add_format({"bold": True, "top": 1})
    for title, columns, rows, total_label in sheets:
        sheet = workbook.add_worksheet(title[:31])
        for col, (label, _kind, width, _total) in enumerate(columns):
            sheet.write(0, col, label, header)
            sheet.set_column(col, col, width)
        sheet.freeze_panes(1, 0)
        for row_index, row in enumerate(rows, start=1):
            for col, ((_label, kind, _width, _total), value) in enumerate(zip(columns, row, strict=False)):
                if value is None or value is False:
                    sheet.write_blank(row_index, col, None)
                elif kind == "date":
                    if isinstance(value, date) and not isinstance(value, datetime):
                        value = datetime(value.year, value.month, value.day)
                    sheet.write_datetime(row_index, col, value, cell["date"])
                elif kind == "text":
                    sheet.write_string(row_index, col, str(value))
                else:
                    sheet.write_number(row_index, col, value, cell[kind])
        if total_label:
            total_row = len(rows) + 1
            for col, (_label, kind, _width, total) in enumerate(columns):
                if col == 0:
                    sheet.write(total_row, col, total_label, total_text)
                elif total and rows:
                    letter = xl_col_to_name(col)
                    value = sum(row[col] or 0.0 for row in rows)
                    sheet.write_formula(
                        total_row,
                        col,
                        "=SUM(%s2:%s%s)" % (letter, letter, total_row),
                        total_cell.get(kind, total_text),
                        value,
                    )
                else:
                    sheet.write_blank(total_row, col, None, total_text)
    workbook.close()
    return output.getvalue()
