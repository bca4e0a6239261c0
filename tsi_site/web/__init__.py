"""Web plumbing shared by every app's pages: the report-page view, query forms, tables, chart
serialisation, CSV downloads and the read permission. Apps' views build on it; it knows no
app's pages."""
