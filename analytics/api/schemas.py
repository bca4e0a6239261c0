"""OpenAPI response schemas of the page endpoints, derived from the selectors' dataclasses.

Only what the type hints cannot say is written here: the element type of numpy columns that
are not floats, 2-D arrays, and the keys of untyped dicts.
"""

from analytics.diagnostics.reasons import REASONS
from analytics.lineage import CHANGES
from analytics.multi_compare import STATUS_NAMES
from analytics.selectors import (
    CompareData,
    DistributionsData,
    InsightsData,
    SkyMapData,
    TimelineData,
    TrendsData,
    VisibilityHistogram,
)
from analytics.selectors.altaz import AltAzData
from analytics.selectors.diagnostics import DiagnosticsData, FragmentationData
from analytics.selectors.figures import GateOutcome
from analytics.selectors.hourglass import HourglassData
from analytics.selectors.lineage import BlockHistoryData, LineageData
from analytics.selectors.multi_compare import MultiCompareData
from schedules.api.serializers import CORRELATIONS_SCHEMA
from schedules.api.sky import SKY_OVERRIDES as SKY_PERIODS
from tsi_site.api.schema import array_of, dataclass_schema

INTEGERS = array_of({"type": "integer"})
BOOLEANS = array_of({"type": "boolean"})
STRINGS = array_of({"type": "string"})

OVERRIDES = {
    "BlockFrame.block_id": array_of({"type": "integer"}, "Database ids of the blocks."),
    "BlockFrame.source_block_id": array_of({"type": "string"}, "Block ids as uploaded."),
    "BlockFrame.display_name": array_of({"type": "string"}, "Block name, else target name."),
    "BlockFrame.priority_bucket": array_of(
        {"type": "integer", "minimum": 1, "maximum": 4},
        "1 Low, 2 Medium-Low, 3 Medium-High, 4 High.",
    ),
    "BlockFrame.visibility_period_count": INTEGERS,
    "BlockFrame.is_scheduled": BOOLEANS,
    "BlockFrame.has_zero_visibility": BOOLEANS,
    "BlockFrame.is_impossible": BOOLEANS,
    "TimelineData.dark_periods": array_of(
        array_of({"type": "number"}), "[[start, stop], …] MJD (UTC)."
    ),
    "VisibilityHistogram.visible_count": array_of(
        {"type": "integer"}, "Blocks visible in each bin."
    ),
    "VisibilityHistogram.visible_by_bucket": array_of(
        INTEGERS, "Four rows (priority buckets 1–4), one count per bin."
    ),
    "SmoothedCurve.samples": array_of(
        {"type": "integer"}, "Blocks weighing more than 0.01 at each x."
    ),
    "Heatmap.rate": array_of(
        array_of({"type": "number", "nullable": True}),
        "Scheduling rate per (visibility bin, requested bin); null where the cell is empty.",
    ),
    "Heatmap.count": array_of(INTEGERS, "Blocks per (visibility bin, requested bin)."),
    "SplitHistogram.scheduled": INTEGERS,
    "SplitHistogram.unscheduled": INTEGERS,
    "InsightsData.correlations": CORRELATIONS_SCHEMA,
}

SKY_OVERRIDES = {
    **OVERRIDES,
    **SKY_PERIODS,
    "SkyMapData.galactic_plane": array_of(array_of({"type": "number"}), "[[RA, Dec], …] degrees."),
    "SkyMapData.ecliptic": array_of(array_of({"type": "number"}), "[[RA, Dec], …] degrees."),
    "HourglassData.moon_night": INTEGERS,
    "HourglassData.observation_night": INTEGERS,
    "AltAzData.alt_deg": array_of(array_of({"type": "number"}), "One row per target."),
    "AltAzData.az_deg": array_of(array_of({"type": "number"}), "One row per target."),
    "AltAzData.airmass": array_of(
        array_of({"type": "number", "nullable": True}), "One row per target; null below 0°."
    ),
}
SKY_MAP = dataclass_schema(SkyMapData, SKY_OVERRIDES)
HOURGLASS = dataclass_schema(HourglassData, SKY_OVERRIDES)
ALT_AZ = dataclass_schema(AltAzData, SKY_OVERRIDES)
DISTRIBUTIONS = dataclass_schema(DistributionsData, OVERRIDES)
VISIBILITY_HISTOGRAM = dataclass_schema(VisibilityHistogram, OVERRIDES)
TIMELINE = dataclass_schema(TimelineData, OVERRIDES)
INSIGHTS = dataclass_schema(InsightsData, OVERRIDES)
TRENDS = dataclass_schema(TrendsData, OVERRIDES)
COMPARE = dataclass_schema(CompareData, OVERRIDES)
MULTI_COMPARE = dataclass_schema(
    MultiCompareData,
    {
        "MetricRow.best": array_of(
            {"type": "integer"}, "Indices of the schedules (0 the reference)."
        ),
        "MatrixPage.status": array_of(
            array_of({"type": "string", "enum": list(STATUS_NAMES)}),
            "One row per block, one status per schedule (the reference first).",
        ),
    },
)

# The diagnostics endpoints (DESIGN §13).
_IDS = array_of({"type": "integer"}, "Database ids of the blocks.")
_SOURCE_IDS = array_of({"type": "string"}, "Block ids as uploaded.")
_NAMES = array_of({"type": "string"}, "Block name, else target name.")
_CLASSES = array_of(
    {
        "type": "string",
        "enum": ["non_operable", "scheduled", "no_target_visible", "visible_no_fit",
                 "feasible_unused"],
    }
)  # fmt: skip
DIAGNOSTIC_OVERRIDES = {
    "FragmentationData.segment_class": _CLASSES,
    "FragmentationData.largest_gap_class": _CLASSES,
    "UnscheduledBlocks.block_id": _IDS,
    "UnscheduledBlocks.source_block_id": _SOURCE_IDS,
    "UnscheduledBlocks.display_name": _NAMES,
    "UnscheduledBlocks.reason": array_of({"type": "string", "enum": list(REASONS)}),
    "UnscheduledBlocks.blocker_count": INTEGERS,
    "BlockerPairs.blocked_block_id": _IDS,
    "BlockerPairs.blocked_source_id": _SOURCE_IDS,
    "BlockerPairs.blocker_block_id": _IDS,
    "BlockerPairs.blocker_source_id": _SOURCE_IDS,
    "InversionPairs.unscheduled_block_id": _IDS,
    "InversionPairs.unscheduled_source_id": _SOURCE_IDS,
    "InversionPairs.scheduled_block_id": _IDS,
    "InversionPairs.scheduled_source_id": _SOURCE_IDS,
    "Nights.inversions": INTEGERS,
    "RaHours.ra_hour": INTEGERS,
    "BlockList.block_id": _IDS,
    "BlockList.source_block_id": _SOURCE_IDS,
    "BlockList.display_name": _NAMES,
}
FRAGMENTATION = dataclass_schema(FragmentationData, DIAGNOSTIC_OVERRIDES)
DIAGNOSTICS = dataclass_schema(DiagnosticsData, DIAGNOSTIC_OVERRIDES)
GATE = dataclass_schema(GateOutcome)

# The lineage endpoints (DESIGN §14).
LINEAGE = dataclass_schema(LineageData)
BLOCK_HISTORY = dataclass_schema(
    BlockHistoryData,
    {"BlockVersion.changes": array_of({"type": "string", "enum": list(CHANGES)})},
)
