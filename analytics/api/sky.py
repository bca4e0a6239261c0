"""Endpoints of the sky pages: the night hourglass and the alt/az curves (the sky map's is in
``views``, the block's night context in the block detail)."""

from __future__ import annotations

from analytics.api import examples, schemas
from analytics.forms import AltAzForm, HourglassForm
from analytics.selectors.altaz import altaz
from analytics.selectors.hourglass import hourglass
from tsi_site.api.pages import PageView, page_schema


@page_schema(
    HourglassForm,
    schemas.HOURGLASS,
    examples.HOURGLASS,
    "Night hourglass",
    "Every night of the schedule at its site (the schedule's location, or `site`): twilight "
    "times and Moon illumination in `nights`, the Moon's time up between sunset and sunrise, "
    "and the scheduled blocks passing the filters with the index of their night. The page "
    "draws times as hours from `reference_mjd` (local mean midnight, or the UTC midnight "
    "nearest it with `axis=utc`). Without a site every night field is empty.",
)
class HourglassView(PageView):
    form_class = HourglassForm
    selector = staticmethod(hourglass)


@page_schema(
    AltAzForm,
    schemas.ALT_AZ,
    examples.ALT_AZ,
    "Alt/Az curves",
    "Altitude, azimuth and airmass of up to ten targets (`target`: block ids, each standing "
    "for its RA and Dec) every `step` minutes over `nights` nights from `date` (the schedule's "
    "first night by default), the Moon's altitude and the nights' twilights; `options` lists "
    "the first 200 positions matching `q`. `y_axis` only changes how the page draws them.",
)
class AltAzView(PageView):
    form_class = AltAzForm
    selector = staticmethod(altaz)
