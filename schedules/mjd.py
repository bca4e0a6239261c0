"""Modified Julian Date (UTC) conversions; stored times are MJD, people read UTC."""

from datetime import UTC, datetime, timedelta

import numpy as np

MJD_EPOCH = datetime(1858, 11, 17, tzinfo=UTC)
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
