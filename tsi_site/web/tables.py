"""Tables of the pages: one definition gives a page's table and its CSV download, so what a
user downloads is exactly what the page shows (every column, at full precision)."""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

# A cell's value → the URL a page links it to, or None for no link.
CellLink = Callable[[object], str | None]


@dataclass(frozen=True)
class Column:
    title: str
    decimals: int | None = None  # floats on a page; the CSV keeps full precision
    wrap: bool = False  # long text that may wrap on a page (other cells stay on one line)
    grouped: bool = True  # thousands separators on a page (not for MJD)
    utc: bool = False  # an ISO-8601 UTC time, shown on a page as "YYYY-MM-DD HH:MM:SS"
    page: bool = True  # shown on the page; every column is in the CSV
    width: str = ""  # class of the column's header on a page: a width hint (tsi.css)
    detail: str = ""  # title of a (CSV-only) column whose text a page shows under this one
    link: CellLink | None = None  # a page links each cell to this URL of its value; not the CSV

    @property
    def classes(self) -> str:
        """The class attribute of the column's cells on a page."""
        return "wrap" if self.wrap else ""


class Cell(NamedTuple):
    text: str
    wrap: bool
    css: str = ""  # class attribute of the cell on a page
    detail: str = ""  # a second, smaller line under the text on a page
    link: str = ""  # where the text links to on a page


class HeaderCell(NamedTuple):
    title: str
    css: str


# (row, column index) → the text a page shows for that cell, or None for the column's format.
CellFormat = Callable[[Sequence, int], str | None]


@dataclass(frozen=True)
class Table:
    columns: tuple[Column, ...]
    rows: Sequence[Sequence]
    cell_format: CellFormat | None = None

    @property
    def header(self) -> list[str]:
        return [column.title for column in self.columns]

    @property
    def page_header(self) -> list[HeaderCell]:
        """The header of the columns a page shows."""
        return [HeaderCell(c.title, c.width) for c in self.columns if c.page]

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, title: str) -> list:
        index = self.header.index(title)
        return [row[index] for row in self.rows]

    def write_csv(self, stream) -> None:
        writer = csv.writer(stream)
        writer.writerow(self.header)
        writer.writerows([csv_value(value) for value in row] for row in self.rows)

    def display_rows(
        self, rows: Iterable[Sequence] | None = None, *, page_columns: bool = False
    ) -> list[list[Cell]]:
        """Rows (all, or a page of them) as display cells: every column, or with
        ``page_columns`` only those a page shows."""
        return [
            self._display_row(row, page_columns) for row in (self.rows if rows is None else rows)
        ]

    def _display_row(self, row: Sequence, page_columns: bool) -> list[Cell]:
        if len(row) != len(self.columns):
            raise ValueError(f"a row has {len(row)} cells for {len(self.columns)} columns")
        cells = []
        for index, column in enumerate(self.columns):
            if column.page or not page_columns:
                detail = ""
                if column.detail and page_columns:
                    other = self.header.index(column.detail)
                    detail = self._text(row, other, self.columns[other])
                text = self._text(row, index, column)
                link = column.link(row[index]) if column.link and not missing(row[index]) else ""
                cells.append(Cell(text, column.wrap, column.classes, detail, link or ""))
        return cells

    def _text(self, row: Sequence, index: int, column: Column) -> str:
        if self.cell_format is not None:
            text = self.cell_format(row, index)
            if text is not None:
                return text
        return _display_cell(row[index], column)


def shown_rows(table: Table, rows: Iterable[Sequence] | None = None) -> dict:
    """What ``includes/table.html`` shows of ``table``: the page's header, and ``rows`` (all by
    default) as display cells and as their ``<tr>`` elements, written here at once (a template
    loop costs tens of microseconds a cell: 100 ms for a preview of a few hundred rows)."""
    cells = table.display_rows(rows, page_columns=True)
    return {"header": table.page_header, "rows": cells, "body": rows_html(cells)}


def rows_html(rows: Sequence[Sequence[Cell]]) -> SafeString:
    """Display rows as ``<tr>`` elements, escaped as the template would (safe text kept)."""
    return mark_safe("".join(f"<tr>{''.join(map(_cell_html, row))}</tr>" for row in rows))


def _cell_html(cell: Cell) -> str:
    css = f' class="{conditional_escape(cell.css)}"' if cell.css else ""
    text = conditional_escape(cell.text)
    if cell.link:
        text = f'<a href="{conditional_escape(cell.link)}">{text}</a>'
    if cell.detail and cell.detail != "—":
        text += f'<span class="cell-detail">{conditional_escape(cell.detail)}</span>'
    return f"<td{css}>{text}</td>"


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Significant digits of a float in a CSV: every digit a value can carry, without the
# binary noise of the 16th and 17th (0.41666666666666669).
CSV_DIGITS = 15


def csv_value(value):
    """A value as a CSV cell: empty for missing, ``true``/``false``, floats without binary
    noise, and text that a spreadsheet would run as a formula quoted with a leading '."""
    if missing(value):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(value, f".{CSV_DIGITS}g")
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _display_cell(value, column: Column) -> str:
    if missing(value) or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column.utc and isinstance(value, str):
        return value.replace("T", " ").removesuffix("Z")
    grouping = "," if column.grouped else ""
    if isinstance(value, float) and column.decimals is not None:
        return f"{value:{grouping}.{column.decimals}f}"
    if isinstance(value, int):
        return f"{value:{grouping}}"
    return str(value)
