"""Tables format the same values for the page and for CSV, each its own way."""

from __future__ import annotations

import io

from django.template import Context, Template
from django.utils.safestring import mark_safe

from tsi_site.web.tables import Cell, Column, HeaderCell, Table, rows_html, shown_rows


def test_table_csv_and_display_formats():
    table = Table(
        (Column("Name", wrap=True), Column("Value", 2),
         Column("MJD", 5, grouped=False), Column("Flag")),
        [("x,y", 1234.5678, 61000.123456789, True), ("", float("nan"), None, False)],
    )  # fmt: skip
    buffer = io.StringIO()
    table.write_csv(buffer)
    assert buffer.getvalue().splitlines() == [
        "Name,Value,MJD,Flag",
        '"x,y",1234.5678,61000.123456789,true',
        ",,,false",
    ]
    first, second = table.display_rows()
    assert [cell.text for cell in first] == ["x,y", "1,234.57", "61000.12346", "yes"]
    assert first[0].wrap and not first[1].wrap
    assert [cell.text for cell in second] == ["—", "—", "—", "no"]


def test_page_columns_details_and_utc_times():
    table = Table(
        (Column("Issue", wrap=True, width="w-issue", detail="Field"),
         Column("Field", page=False), Column("At (UTC)", utc=True),
         Column("At (MJD)", 5, grouped=False, page=False)),
        [("Too short", "requested_hours", "2026-03-01T22:04:11Z", 61100.92)],
    )  # fmt: skip
    assert table.page_header == [
        HeaderCell("Issue", "w-issue"),
        HeaderCell("At (UTC)", ""),
    ]
    [(issue, at)] = table.display_rows(page_columns=True)
    assert (issue.text, issue.detail, issue.css) == ("Too short", "requested_hours", "wrap")
    assert at.text == "2026-03-01 22:04:11"
    assert len(table.display_rows()[0]) == 4  # reports and CSV keep every column
    buffer = io.StringIO()
    table.write_csv(buffer)
    assert "2026-03-01T22:04:11Z" in buffer.getvalue()


def test_csv_cells_cannot_be_formulas_and_numbers_stay_numbers():
    from tsi_site.web.tables import csv_value

    assert [csv_value(text) for text in ("=1+1", "+A1", "-2", "@SUM(A1)", "\tx", "plain")] == [
        "'=1+1",
        "'+A1",
        "'-2",
        "'@SUM(A1)",
        "'\tx",
        "plain",
    ]
    assert csv_value(-2.5) == "-2.5" and csv_value(-3) == -3


def test_csv_floats_carry_no_binary_noise():
    from tsi_site.web.tables import csv_value

    assert csv_value(1500 / 3600) == "0.416666666666667"
    assert csv_value(0.1 + 0.2) == "0.3"
    assert csv_value(61000.123456789) == "61000.123456789"


# The table body as a template loop would write it: the reference for ``rows_html``.
LOOP = Template(
    '{% for row in rows %}<tr>{% for cell in row %}<td{% if cell.css %} class="{{ cell.css }}"'
    '{% endif %}>{% if cell.link %}<a href="{{ cell.link }}">{{ cell.text }}</a>{% else %}'
    '{{ cell.text }}{% endif %}{% if cell.detail and cell.detail != "—" %}'
    '<span class="cell-detail">{{ cell.detail }}</span>{% endif %}</td>{% endfor %}</tr>'
    "{% endfor %}"
)


def test_rows_html_writes_what_the_template_loop_would():
    rows = [
        [
            Cell("<script>alert('x')</script> & co", True, "wrap", "", '/blocks/?id=1&a="2"'),
            Cell("plain", False, "", "detail <b>", ""),
            Cell("—", False, "", "—", ""),
        ],
        [Cell(mark_safe("<em>kept</em>"), False, "num", "", ""), Cell("", False, "", "", "")],
    ]
    written = rows_html(rows)
    assert written == LOOP.render(Context({"rows": rows}))
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert "<em>kept</em>" in written


def test_shown_rows_gives_the_header_cells_and_body_of_the_rows_asked():
    table = Table((Column("Name"), Column("Hours", 1), Column("CSV only", page=False)), [])
    table = Table(table.columns, [("a", 1.25, "x"), ("b", 2.0, "y")])
    shown = shown_rows(table, table.rows[:1])
    assert [cell.title for cell in shown["header"]] == ["Name", "Hours"]
    assert [[cell.text for cell in row] for row in shown["rows"]] == [["a", "1.2"]]
    assert shown["body"] == "<tr><td>a</td><td>1.2</td></tr>"
