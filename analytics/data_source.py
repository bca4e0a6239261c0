"""The ``DATA_SOURCE`` switch: ``etl`` reads precomputed analytics, ``legacy`` recomputes
everything from the stored blocks. Both must give identical answers."""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)

ETL = "etl"
LEGACY = "legacy"
DATA_SOURCES = (ETL, LEGACY)


def check_data_source_setting() -> str:
    """Validate ``settings.DATA_SOURCE`` once at start-up; stop with a clear message if wrong."""
    value = settings.DATA_SOURCE
    if value not in DATA_SOURCES:
        raise ImproperlyConfigured(
            f"DATA_SOURCE must be one of {', '.join(DATA_SOURCES)}; got {value!r}. "
            "Set the DATA_SOURCE environment variable to 'etl' (precomputed analytics, the "
            "default) or 'legacy' (compute from blocks)."
        )
    logger.info("Analytics data source: %s", value)
    return value


def current_data_source() -> str:
    return settings.DATA_SOURCE
