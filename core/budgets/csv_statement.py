"""A budget statement as a CSV file: every movement, newest first, amounts in pounds.

Text cells are made safe for spreadsheets the same way as the audit export;
amounts are plain numbers (``-12.50``) so a spreadsheet can add them up.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator

from core.audit.display import uk_time
from core.audit.export import spreadsheet_safe
from core.budgets.models import Budget
from core.budgets.statement import StatementRow, all_rows
from core.clock import uk_today

COLUMNS = (
    "Date",
    "What happened",
    "Details",
    "Funding stream",
    "Money in (£)",
    "Committed (£)",
    "Spent (£)",
    "Change to money available (£)",
    "Recorded at (UK time)",
    "Entry number",
)


def pounds_cell(pence: int) -> str:
    """``1312.40``, ``-5.00``: no £ sign or thousands comma, so spreadsheets add it up."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def csv_cells(row: StatementRow) -> list[str]:
    return [
        row.effective_on.isoformat(),
        spreadsheet_safe(row.kind_words),
        spreadsheet_safe(row.description),
        spreadsheet_safe(row.stream_name),
        pounds_cell(row.received_pence),
        pounds_cell(row.committed_pence),
        pounds_cell(row.spent_pence),
        pounds_cell(row.available_change_pence),
        uk_time(row.recorded_at).strftime("%Y-%m-%d %H:%M:%S"),
        str(row.entry_id),
    ]


def _line(cells: list[str] | tuple[str, ...]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


async def statement_lines(budget: Budget) -> AsyncIterator[str]:
    # The byte order mark makes Excel read the file as UTF-8 (the £ in the headings).
    yield "\ufeff" + _line(COLUMNS)
    async for row in all_rows(budget):
        yield _line(csv_cells(row))


def statement_filename(budget: Budget) -> str:
    return f"budget-statement-{budget.period_start.isoformat()}-{uk_today().isoformat()}.csv"
