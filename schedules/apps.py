import sys

from django.apps import AppConfig


class SchedulesConfig(AppConfig):
    name = "schedules"
    verbose_name = "Schedules"

    def ready(self) -> None:
        # A task worker computes dark periods and visibility for uploads: it parses the IERS
        # tables (about a second) once, as it starts, not in the first upload it runs.
        if is_task_worker(sys.argv):
            from schedules.sky.offline import use_bundled_tables

            use_bundled_tables()


def is_task_worker(argv: list[str]) -> bool:
    return argv[1:2] == ["db_worker"]
