"""Which plotly.js a page loads, and the full bundle served from the installed plotly package.

The full bundle (``plotly/plotly.min.js``, 4.8 MB) is the exact build that the Python package
writes its figures for, served without a CDN and without committing a copy; only that one file
of the package directory is exposed. Evaluating it costs a browser most of a second on every
page load, so a page loads the smallest of three builds of the same plotly.js version that
draws all its traces: ``plotly/plotly-basic.min.js`` (1.2 MB: bar, pie and scatter),
``plotly/plotly-cartesian.min.js`` (1.5 MB: the 2-D traces) or the full one (WebGL). The two
smaller ones are vendored in static/plotly/ from the npm packages plotly.js-basic-dist-min and
plotly.js-cartesian-dist-min, MIT licence beside them.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "plotly/plotly.min.js"
PLOTLY_CARTESIAN_JS = "plotly/plotly-cartesian.min.js"
PLOTLY_BASIC_JS = "plotly/plotly-basic.min.js"
# The trace types of each smaller bundle (their READMEs); WebGL traces need the full bundle.
BASIC_TRACES = frozenset({"bar", "pie", "scatter"})
CARTESIAN_TRACES = frozenset(
    {"bar", "box", "contour", "heatmap", "histogram", "histogram2d", "histogram2dcontour",
     "image", "pie", "scatter", "scatterternary", "violin"}
)  # fmt: skip
_PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


def plotly_bundle(trace_types: Iterable[str]) -> str:
    """The smallest bundle that draws every one of these trace types."""
    kinds = set(trace_types)
    if BASIC_TRACES.issuperset(kinds):
        return PLOTLY_BASIC_JS
    return PLOTLY_CARTESIAN_JS if CARTESIAN_TRACES.issuperset(kinds) else PLOTLY_JS


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
