"""``manage.py refresh_analytics``: recompute analytics and validation from stored blocks."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from analytics.models import ScheduleSummary
from schedules.models import Schedule
from schedules.pipeline.refresh import refresh_analytics


class Command(BaseCommand):
    help = (
        "Recompute analytics, summary and validation of schedules from their stored blocks, "
        "each schedule atomically. Give ids, --all, or --missing (backfill)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("ids", nargs="*", type=int, help="schedule ids")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="every schedule")
        which.add_argument(
            "--missing", action="store_true", help="only schedules that have no analytics"
        )

    def handle(self, *args, **options) -> None:
        ids = options["ids"]
        if ids and (options["all"] or options["missing"]):
            raise CommandError("Give schedule ids or --all/--missing, not both.")
        if options["all"]:
            schedules = Schedule.objects.order_by("id")
        elif options["missing"]:
            with_summary = ScheduleSummary.objects.values("schedule_id")
            schedules = Schedule.objects.exclude(id__in=with_summary).order_by("id")
        elif ids:
            schedules = Schedule.objects.filter(id__in=ids).order_by("id")
            unknown = sorted(set(ids) - set(schedules.values_list("id", flat=True)))
            if unknown:
                raise CommandError(f"No schedule with id {', '.join(map(str, unknown))}.")
        else:
            raise CommandError("Give schedule ids, --all or --missing.")
        count = 0
        for schedule in schedules.iterator():
            result = refresh_analytics(schedule)
            count += 1
            self.stdout.write(
                f"Refreshed schedule {schedule.pk} ({schedule}): "
                f"{result.summary.total_blocks:,} blocks, "
                f"{result.summary.impossible_blocks:,} impossible."
            )
        self.stdout.write(f"{count} schedule(s) refreshed.")
