"""Modified Julian Date (UTC) conversions; stored times are MJD, people read UTC."""

import math
from datetime import UTC, date, datetime, timedelta

import numpy as np

MJD_EPOCH = datetime(1858, 11, 17, tzinfo=UTC)
# Times must be dates the pages can show in UTC (years 1 to 9999, Python's datetime range);
# anything beyond is a broken file, and would crash every page that prints a date.
_MJD_ZERO = date(1858, 11, 17).toordinal()
MJD_MIN = float(date.min.toordinal() - _MJD_ZERO)
MJD_MAX = float(date.max.toordinal() - _MJD_ZERO)
TIME_FORMS = (
    "an ISO-8601 UTC time such as 2028-01-01 or 2028-01-01T20:30:00Z, or an MJD such as 61771.5"
)
PERIOD_FORMS = f"START,END where each is {TIME_FORMS}"
_MJD_EPOCH_64 = np.datetime64("1858-11-17T00:00:00", "us")
_MICROSECONDS_PER_DAY = 86_400_000_000


def mjd_to_datetime(mjd: float) -> datetime:
    return MJD_EPOCH + timedelta(days=mjd)


def datetime_to_mjd(moment: datetime) -> float:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - MJD_EPOCH) / timedelta(days=1)


def mjd_to_datetime64(mjd: np.ndarray) -> np.ndarray:
    """Vectorised MJD → ``datetime64[us]`` (UTC, naive); NaN becomes NaT."""
    values = np.asarray(mjd, dtype=np.float64)
    micros = np.where(np.isnan(values), 0, np.rint(values * _MICROSECONDS_PER_DAY))
    result = _MJD_EPOCH_64 + micros.astype(np.int64).astype("timedelta64[us]")
    return np.where(np.isnan(values), np.datetime64("NaT", "us"), result)


def datetime64_to_mjd(moments: np.ndarray) -> np.ndarray:
    """Vectorised ``datetime64`` (UTC) → MJD, the inverse of ``mjd_to_datetime64``."""
    return (np.asarray(moments).astype("datetime64[us]") - _MJD_EPOCH_64) / np.timedelta64(1, "D")


def mjd_to_iso(mjd: np.ndarray) -> list[str]:
    """ISO-8601 UTC strings to the second (``2026-03-01T22:04:11Z``), '' for NaN."""
    stamps = np.datetime_as_string(mjd_to_datetime64(mjd), unit="s")
    return ["" if stamp == "NaT" else f"{stamp}Z" for stamp in stamps.tolist()]


def month_labels(mjd: np.ndarray) -> np.ndarray:
    """``YYYY-MM`` of each MJD (UTC)."""
    return np.datetime_as_string(mjd_to_datetime64(mjd).astype("datetime64[M]"), unit="M")


def parse_time(text: str) -> float:
    """MJD (UTC) from an ISO-8601 time (UTC unless it names an offset) or an MJD number;
    ``ValueError`` says what is accepted."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned:
        raise ValueError(f"no time given; expected {TIME_FORMS}")
    try:
        mjd = float(cleaned)
    except ValueError:
        try:
            moment = datetime.fromisoformat(cleaned)
        except ValueError:
            raise ValueError(f"{cleaned!r} is not a time; expected {TIME_FORMS}") from None
        return datetime_to_mjd(moment)
    if not math.isfinite(mjd):
        raise ValueError(f"{cleaned!r} is not a finite number; expected {TIME_FORMS}")
    if not MJD_MIN <= mjd <= MJD_MAX:
        raise ValueError(
            f"MJD {cleaned} is outside {MJD_MIN:.0f} to {MJD_MAX:.0f} (the years 1 to 9999)"
        )
    return mjd


def parse_period(text: str) -> tuple[float, float]:
    """``(start, end)`` MJD from ``START,END`` (each as :func:`parse_time` reads it), start
    before end; ``ValueError`` says what is accepted."""
    parts = text.split(",") if isinstance(text, str) else []
    if len(parts) != 2:
        raise ValueError(
            f"period {text!r} is not two times separated by a comma; expected {PERIOD_FORMS}"
        )
    return checked_period(*(parse_time(part) for part in parts))


def checked_period(start: float, end: float) -> tuple[float, float]:
    """The period when it runs forwards: an empty or reversed one has no nights to compute."""
    if not start < end:
        raise ValueError(f"the period starts at MJD {start:g}, not before its end at MJD {end:g}")
    return start, end
