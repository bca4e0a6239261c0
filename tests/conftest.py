"""Fixtures shared by the whole suite."""

from pathlib import Path

import pytest

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DATA_DIR = REPO_DIR.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real-format samples shipped beside the repository in ``../shared/data``."""
    assert SHARED_DATA_DIR.is_dir(), f"expected the shared samples at {SHARED_DATA_DIR}"
    return SHARED_DATA_DIR
