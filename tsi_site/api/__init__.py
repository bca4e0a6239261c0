"""DRF plumbing shared by every app's API: JSON with orjson, one error format, pagination, the
database-id path converter and helpers that describe responses in the OpenAPI schema."""
