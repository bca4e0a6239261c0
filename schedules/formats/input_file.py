"""An input file as bytes plus the name its errors are reported under."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from schedules.formats.errors import ScheduleInputError


@dataclass(frozen=True)
class InputFile:
    """One uploaded or on-disk JSON file; ``name`` is what error messages call it."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: str | Path) -> InputFile:
        """Read ``path``, refusing an oversized file before spending memory on it."""
        path = Path(path)
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            raise ScheduleInputError(path.name, "", f"file not found: {path}") from None
        except OSError as error:
            raise ScheduleInputError(
                path.name, "", f"cannot read the file: {error.strerror}"
            ) from None
        check_size(path.name, size)
        try:
            return cls(path.name, path.read_bytes())
        except OSError as error:
            raise ScheduleInputError(
                path.name, "", f"cannot read the file: {error.strerror}"
            ) from None


def check_size(name: str, size: int) -> None:
    limit = settings.TSI_MAX_UPLOAD_BYTES
    if size > limit:
        raise ScheduleInputError(
            name,
            "",
            f"file is {size:,} bytes, more than the {limit:,}-byte limit (TSI_MAX_UPLOAD_BYTES)",
        )
