"""REST API for schedules, their blocks and upload jobs (mounted under /api/v1/)."""
