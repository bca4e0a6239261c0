"""Astropy strictly offline: the IERS tables bundled in ``astropy-iers-data``, no downloads,
and, for times past the bundled predictions, one plain warning instead of an error.

Every sky module makes its astropy times with :func:`utc_times` and its sites with
:func:`earth_location`, so the configuration is in place before astropy computes anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import threading
import warnings
from importlib import metadata
from pathlib import Path

import numpy as np
from astropy import units
from astropy.coordinates import EarthLocation
from astropy.table import Column, MaskedColumn
from astropy.time import Time
from astropy.utils import data as astropy_data
from astropy.utils import iers
from astropy.utils.exceptions import AstropyWarning
from erfa import ErfaWarning

from schedules.sky.sites import Site

logger = logging.getLogger(__name__)


class SkyAccuracyWarning(UserWarning):
    """Times beyond the bundled Earth-orientation data: results may be off by about a second."""


_lock = threading.Lock()
_valid_mjd: tuple[float, float] | None = None
# Astropy's own messages for the same condition, repeated on every call; ours replaces them.
_QUIET = (
    ("ignore", "", iers.IERSDegradedAccuracyWarning),
    ("ignore", "Tried to get polar motions", AstropyWarning),
    ("ignore", 'ERFA function "[a-z0-9]+" yielded [0-9]+ of "dubious year', ErfaWarning),
)


def _forbid_downloads() -> None:
    iers.conf.auto_download = False
    iers.conf.iers_degraded_accuracy = "warn"
    astropy_data.conf.allow_internet = False


# Cheap, so done on import: whatever computes with astropy after any sky module is imported
# cannot reach the network; the tables themselves are loaded on first use.
_forbid_downloads()


def use_bundled_tables() -> tuple[float, float]:
    """Point astropy at the bundled IERS-A and leap-second tables with downloads off; returns
    the MJD range they cover. Idempotent and cheap after the first call."""
    global _valid_mjd
    with _lock:
        if _valid_mjd is None:
            _forbid_downloads()
            # A plain IERS-A table, not IERS_Auto: IERS_Auto refuses predictions once its
            # file is older than auto_max_age, which depends on today's date.
            table = _bundled_iers_a()
            iers.earth_orientation_table.set(table)
            leap_seconds = iers.LeapSeconds.open(iers.IERS_LEAP_SECOND_FILE)
            _valid_mjd = (
                float(table["MJD"][0].value),
                min(float(table["MJD"][-1].value), float(leap_seconds.expires.mjd)),
            )
        for action, message, category in _QUIET:
            # Re-added when something (a test runner) reset the filters; checked first so the
            # filter list, and with it the once-per-place warning registry, stays untouched.
            if not any(
                item[0] == action and item[2] is category and _pattern(item[1]) == message
                for item in warnings.filters
            ):
                warnings.filterwarnings(action, message=message, category=category)
        return _valid_mjd


def utc_times(mjd: np.ndarray | float) -> Time:
    """Astropy times for UTC MJDs, warning once when they lie beyond the bundled tables."""
    first, last = use_bundled_tables()
    values = np.asarray(mjd, dtype=np.float64)
    finite = values[np.isfinite(values)]
    if finite.size and (finite.min() < first or finite.max() > last):
        warnings.warn(
            f"times outside MJD {first:.0f}–{last:.0f} lie beyond the bundled IERS data "
            "(astropy-iers-data): UT1−UTC, polar motion and leap seconds are extrapolated, "
            "so computed times may be off by about a second",
            SkyAccuracyWarning,
            stacklevel=1,
        )
    return Time(values, format="mjd", scale="utc")


def earth_location(site: Site) -> EarthLocation:
    use_bundled_tables()
    return EarthLocation.from_geodetic(
        site.lon_deg * units.deg, site.lat_deg * units.deg, site.height_m * units.m
    )


def _pattern(compiled: object) -> str:
    return "" if compiled is None else getattr(compiled, "pattern", str(compiled))


def _bundled_iers_a() -> iers.IERS_A:
    """The bundled IERS-A table, from a column cache under ``var/`` when one matches the file:
    parsing the fixed-width text costs about a second in every process that needs it."""
    source = Path(iers.IERS_A_FILE)
    cache = _iers_cache_path(source)
    if cache is not None and cache.exists():
        try:
            return _read_iers_cache(cache)
        except (OSError, ValueError, KeyError) as error:
            logger.warning("Ignoring the unreadable IERS cache %s: %s", cache, error)
    table = iers.IERS_A.open(str(source))
    if cache is not None:
        _write_iers_cache(table, cache)
    return table


def _iers_cache_path(source: Path) -> Path | None:
    """Named after astropy-iers-data's version and the file's content; None without Django."""
    from django.conf import settings

    if not settings.configured:
        return None
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:16]
    version = metadata.version("astropy-iers-data")
    return Path(settings.VAR_DIR) / "cache" / f"iers-a-{version}-{digest}.npz"


def _write_iers_cache(table: iers.IERS_A, cache: Path) -> None:
    """Every column's values, mask and unit, and the table's meta; written atomically, and
    skipped (with a log line) where ``var/`` is not writable."""
    arrays, columns = {}, []
    for index, name in enumerate(table.colnames):
        column = table[name]
        unit = getattr(column, "unit", None)
        arrays[f"value{index}"] = np.asarray(getattr(column, "value", column))
        masked = isinstance(column, MaskedColumn)
        if masked:
            arrays[f"mask{index}"] = np.asarray(column.mask)
        columns.append(
            {
                "name": name,
                "unit": None if unit is None else unit.to_string(),
                "masked": masked,
                "quantity": isinstance(column, units.Quantity),
            }
        )
    arrays["columns"] = np.array(json.dumps(columns))
    arrays.update({f"meta:{key}": np.asarray(value) for key, value in table.meta.items()})
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache.parent, suffix=".tmp") as file:
            np.savez(file, **arrays)
            file.flush()
            os.chmod(file.name, 0o644)
            os.link(file.name, cache)
    except FileExistsError:
        pass  # another process cached the same table meanwhile
    except OSError as error:
        logger.info("Not caching the IERS-A table at %s: %s", cache, error)


def _read_iers_cache(cache: Path) -> iers.IERS_A:
    with np.load(cache, allow_pickle=False) as stored:
        header = json.loads(str(stored["columns"]))
        meta = {
            key.removeprefix("meta:"): str(value) if value.dtype.kind == "U" else value[()]
            for key, value in stored.items()
            if key.startswith("meta:")
        }
        columns = []
        for index, column in enumerate(header):
            values = stored[f"value{index}"]
            if column["quantity"]:
                columns.append(units.Quantity(values, column["unit"], copy=False))
            elif column["masked"]:
                columns.append(MaskedColumn(values, mask=stored[f"mask{index}"]))
            else:
                columns.append(Column(values))
    return iers.IERS_A(columns, names=[column["name"] for column in header], meta=meta)
