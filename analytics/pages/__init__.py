"""The report pages of one schedule, one module per page.

Each module holds everything that page shows: its view (a ``tsi_site.web.pages.ReportPage``),
the Plotly figures of its charts and the tables behind its tables and CSV downloads, built from
its selector's data. ``legend`` is what the pages share: how blocks, statuses and buckets look.
A new page is a module here, a template and a line in ``analytics/urls.py``.
"""
