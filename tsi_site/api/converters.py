"""Path converter for database ids in API URLs."""


class DatabaseIdConverter:
    """A non-negative integer that fits a 64-bit key: longer numbers answer 404 at routing
    instead of overflowing the database driver."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)
