"""REST API of the report pages: one endpoint per page, same filters, same selectors."""
