"""A fingerprint of the release: the code, templates and static files that cached answers are
made from.

The report caches keep rendered bodies, charts and pickled objects for an hour, keyed by
schedule version. Shared in Redis, those entries would outlive a deploy: new code would read
another release's pickles (a dataclass with other fields) and pages naming static files that
``collectstatic`` has replaced. The fingerprint prefixes every cache key, so each release
starts from an empty cache of its own.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

SOURCES = ("analytics", "schedules", "validation", "tsi_site", "templates", "static")
SUFFIXES = frozenset({".py", ".html", ".js", ".css", ".svg"})


def code_fingerprint(base: Path) -> str:
    """Twelve hex digits over the project's sources under ``base`` and its pinned
    dependencies (pyproject.toml): the same for every process of one release."""
    digest = hashlib.blake2b(digest_size=6)
    sources = sorted(
        path for top in SOURCES for path in (base / top).rglob("*") if path.suffix in SUFFIXES
    )
    for path in [base / "pyproject.toml", *sources]:
        if path.is_file():
            digest.update(path.relative_to(base).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
