"""Serve plotly.js from the installed plotly package as the static file ``plotly/plotly.min.js``.

The pages draw every figure with the exact plotly.js build that the Python package writes its
figures for, without a CDN and without committing a 4 MB copy. Only that one file is exposed
(the package directory also holds other bundles and data sets).
"""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_JS = "plotly/plotly.min.js"
_PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"


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
