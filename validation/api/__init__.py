"""REST API of the validation report."""
