"""``manage.py fail_stale_jobs``: mark upload jobs whose worker died as failed."""

from django.core.management.base import BaseCommand

from schedules.pipeline.jobs import fail_stale_jobs


class Command(BaseCommand):
    help = "Mark running upload jobs whose worker stopped reporting progress as failed."

    def handle(self, *args, **options) -> None:
        count = fail_stale_jobs()
        self.stdout.write(f"{count} stale job(s) marked as failed.")
