"""Links to a block's page from the tables and charts of every page that lists blocks.

Tables know a block by its source id, which the block page resolves (one redirect, and no
lookup while a listing renders); charts know the database id and link to the page itself.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from urllib.parse import urlencode

import numpy as np
from django.urls import reverse


def block_link(schedule_id: int) -> Callable[[object], str | None]:
    """A ``Column.link`` for source block ids of this schedule (picklable: a table holding it
    may be cached)."""
    return partial(_lookup_link, reverse("analytics:block-lookup", args=[schedule_id]))


def _lookup_link(lookup: str, source_block_id: object) -> str | None:
    if source_block_id in (None, ""):
        return None
    return f"{lookup}?{urlencode({'source_id': source_block_id})}"


def block_urls(schedule_id: int, block_ids: np.ndarray) -> np.ndarray:
    """Block page URLs for many database ids at once (one ``reverse``, then numpy)."""
    # The id is the URL's last number: reverse with 0 and splice each id in its place.
    head, tail = reverse("analytics:block", args=[schedule_id, 0]).rsplit("0", 1)
    ids = np.asarray(block_ids, dtype=np.int64).astype(str)
    return np.char.add(np.char.add(head, ids), tail)
