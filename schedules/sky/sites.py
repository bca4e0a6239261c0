"""Observatory sites: named presets, custom coordinates and the parser behind ``--site``.

Pure Python (no astropy), so forms and commands can validate a site without the slow import.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from schedules.schedule_data import Location


def _coordinate_problems(lon: float, lat: float, height: float) -> list[str]:
    problems = []
    if not math.isfinite(lon) or not -180.0 <= lon <= 360.0:
        problems.append(f"longitude {lon:g} is outside -180..360 degrees east")
    if not math.isfinite(lat) or not -90.0 <= lat <= 90.0:
        problems.append(f"latitude {lat:g} is outside -90..90 degrees")
    # From the Dead Sea shore to above any summit: anything else is a unit mistake (km, feet).
    if not math.isfinite(height) or not -500.0 <= height <= 9000.0:
        problems.append(f"height {height:g} m is outside -500..9000 m")
    return problems


@dataclass(frozen=True, slots=True)
class Site:
    """Where the telescope stands: geodetic (WGS84) longitude east and latitude in degrees,
    height above the ellipsoid in metres."""

    name: str
    lon_deg: float
    lat_deg: float
    height_m: float

    def __post_init__(self) -> None:
        problems = _coordinate_problems(self.lon_deg, self.lat_deg, self.height_m)
        if problems:
            raise ValueError(f"site {self.name!r}: " + "; ".join(problems))

    def to_location(self) -> Location:
        return Location(lat_deg=self.lat_deg, lon_deg=self.lon_deg, height_m=self.height_m)


# ORM and Paranal as DESIGN.md §12 fixes them; the others from astropy's site registry
# (astropy-data coordinates/sites.json): "keck" and "lasilla" from the IRAF Observatory
# Database, "gemini_south" (Cerro Pachón) from the CTIO website.
ORM = Site("ORM (La Palma)", lon_deg=-17.8892, lat_deg=28.7624, height_m=2396.0)
PARANAL = Site("Paranal", lon_deg=-70.4041, lat_deg=-24.6272, height_m=2635.0)
MAUNA_KEA = Site("Mauna Kea", lon_deg=-155.478333, lat_deg=19.828333, height_m=4160.0)
LA_SILLA = Site("La Silla", lon_deg=-70.73, lat_deg=-29.256667, height_m=2347.0)
CERRO_PACHON = Site("Cerro Pachón", lon_deg=-70.736683, lat_deg=-30.240742, height_m=2750.0)

PRESETS: dict[str, Site] = {
    "orm": ORM,
    "paranal": PARANAL,
    "mauna-kea": MAUNA_KEA,
    "la-silla": LA_SILLA,
    "cerro-pachon": CERRO_PACHON,
}
_ALIASES = {
    "la-palma": "orm",
    "roque-de-los-muchachos": "orm",
    "lapalma": "orm",
    "cerro-paranal": "paranal",
    "vlt": "paranal",
    "maunakea": "mauna-kea",
    "lasilla": "la-silla",
    "pachon": "cerro-pachon",
    "cerropachon": "cerro-pachon",
    "gemini-south": "cerro-pachon",
}
ACCEPTED = (
    f"a preset ({', '.join(PRESETS)}; also {', '.join(sorted(_ALIASES))}) or "
    "'lon,lat,height' in degrees east, degrees north and metres, e.g. '-17.8892,28.7624,2396'"
)


def preset_names() -> list[str]:
    return list(PRESETS)


def parse_site(text: str) -> Site:
    """A site from a preset name or alias (any case, spaces or underscores for hyphens) or
    from ``lon,lat,height``; raises ``ValueError`` saying what was wrong and what is accepted."""
    cleaned = text.strip() if isinstance(text, str) else ""
    if not cleaned:
        raise ValueError(f"no site given; expected {ACCEPTED}")
    if "," not in cleaned:
        key = re.sub(r"[\s_]+", "-", _fold_accents(cleaned).lower())
        key = _ALIASES.get(key, key)
        if key in PRESETS:
            return PRESETS[key]
        raise ValueError(f"unknown site {cleaned!r}; expected {ACCEPTED}")
    parts = [part.strip() for part in cleaned.split(",")]
    if len(parts) != 3:
        raise ValueError(
            f"site {cleaned!r} has {len(parts)} comma-separated values, not 3; expected {ACCEPTED}"
        )
    values = []
    for label, part in zip(("longitude", "latitude", "height"), parts, strict=True):
        try:
            value = float(part)
        except ValueError:
            raise ValueError(
                f"site {label} {part!r} is not a number; expected {ACCEPTED}"
            ) from None
        values.append(value)
    lon, lat, height = values
    if 180.0 < lon <= 360.0:
        lon -= 360.0
    problems = _coordinate_problems(lon, lat, height)
    if problems:
        raise ValueError(f"site {cleaned!r}: " + "; ".join(problems))
    return Site(f"{lon:g},{lat:g},{height:g}", lon_deg=lon, lat_deg=lat, height_m=height)


def site_spec(site: Site) -> str:
    """The text ``parse_site`` reads back as ``site`` (a preset's key, else its coordinates),
    for storing a chosen site as typed options."""
    for key, preset in PRESETS.items():
        if preset == site:
            return key
    return f"{site.lon_deg!r},{site.lat_deg!r},{site.height_m!r}"


def site_from_location(location: Location, name: str = "") -> Site:
    """The site of a schedule file's location (``ScheduleData.location``)."""
    label = name or f"{location.lon_deg:g},{location.lat_deg:g},{location.height_m:g}"
    return Site(
        label, lon_deg=location.lon_deg, lat_deg=location.lat_deg, height_m=location.height_m
    )


def _fold_accents(text: str) -> str:
    """'Pachón' → 'Pachon', so names typed with or without accents match."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))
