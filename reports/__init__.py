"""Report writers: report.html, report.xlsx, the CSV/Parquet/JSON tables and the terminal summary.

All of them read a ``ReportInput`` (reports.model) and nothing else.
"""

from reports.excel import write_xlsx
from reports.files import write_atomic, write_tables
from reports.html import write_html
from reports.model import ReportInput, fake_report_input
from reports.terminal import summary_lines

__all__ = [
    "ReportInput",
    "fake_report_input",
    "summary_lines",
    "write_atomic",
    "write_html",
    "write_tables",
    "write_xlsx",
]
