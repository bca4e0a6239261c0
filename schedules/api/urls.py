"""Routes of the schedules API; included by ``tsi_site.api_urls`` in the ``api`` namespace."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from schedules.api.views import BatchViewSet, BlockViewSet, IngestJobViewSet, ScheduleViewSet
from tsi_site.api.rendering import FirstRendererNegotiation

router = SimpleRouter(use_regex_path=False)
router.register("schedules", ScheduleViewSet, basename="schedule")
router.register("jobs", IngestJobViewSet, basename="job")
router.register("batches", BatchViewSet, basename="batch")

BLOCKS = "schedules/<dbid:schedule_id>/blocks/"

urlpatterns = [
    *router.urls,
    path(BLOCKS, BlockViewSet.as_view({"get": "list"}), name="schedule-blocks"),
    path(
        f"{BLOCKS}<dbid:block_id>/",
        BlockViewSet.as_view({"get": "retrieve"}),
        name="block-detail",
    ),
    path(
        f"{BLOCKS}export.csv",
        BlockViewSet.as_view(
            {"get": "export_csv"}, content_negotiation_class=FirstRendererNegotiation
        ),
        name="schedule-blocks-csv",
    ),
    path(
        f"{BLOCKS}export.jsonl",
        BlockViewSet.as_view(
            {"get": "export_jsonl"}, content_negotiation_class=FirstRendererNegotiation
        ),
        name="schedule-blocks-jsonl",
    ),
]
