"""Which plotly.js a page loads, and the full bundle served from the installed plotly package.

The full bundle (``plotly/plotly.min.js``, 4.8 MB) is the exact build that the Python package
writes its figures for, served without a CDN and without committing a copy; only that one file
of the package directory is exposed. Evaluating it costs a browser most of a second on every
page load, so a page whose traces are all of the 2-D types the site draws loads
``plotly/plotly-tsi.min.js`` instead: the same plotly.js version built with only those trace
types (1.3 MB; recipe and pinned versions in deploy/plotly/, MIT licence beside the file).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "plotly/plotly.min.js"
PLOTLY_TSI_JS = "plotly/plotly-tsi.min.js"
# The trace types registered in plotly-tsi.min.js (deploy/plotly/entry.js); the WebGL markers
# of a crowded sky map (scattergl) need the full bundle.
TSI_TRACES = frozenset({"bar", "box", "heatmap", "histogram", "scatter", "violin"})
_PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


def plotly_bundle(trace_types: Iterable[str]) -> str:
    """The smaller bundle when it draws every one of these trace types, else the full one."""
    return PLOTLY_TSI_JS if TSI_TRACES.issuperset(trace_types) else PLOTLY_JS


class PlotlyJsFinder(BaseFinder):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=_PACKAGE_DATA)
        self.storage.prefix = "plotly"

    def check(self, **kwargs) -> list:
        return []

    def find(self, path: str, find_all: bool = False) -> str | list[str]:
        if path != PLOTLY_JS:
            return []  # like Django's own finders: an empty list means "not here"
        found = str(_PACKAGE_DATA / "plotly.min.js")
        return [found] if find_all else found

    def list(self, ignore_patterns):
        yield "plotly.min.js", self.storage
