"""``manage.py generate_schedule``: write a synthetic schedule shaped like a real one, under
the real sky of its site (the dark-periods file's location, or La Palma).

The bundled sample (``schedules/fixtures/sample_schedule.json``) was produced with::

    python manage.py generate_schedule --blocks 300 --periods 12 --seed 2028 \\
        --dark-periods ../shared/data/dark_periods_raw.json --name "Sample schedule" \\
        --output schedules/fixtures/sample_schedule.json
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from schedules.formats import InputFile, ScheduleInputError, read_dark_periods, write_schedule
from schedules.schedule_data import SourceFormat
from schedules.synthetic import generate_schedule_data


class Command(BaseCommand):
    help = (
        "Write a reproducible synthetic schedule (and, for the raw format, its possible-periods "
        "and dark-periods files beside it) for demos, tests and benchmarks."
    )
    # Generating touches neither the database nor the URLs, so it works on any checkout.
    requires_system_checks = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--blocks", type=int, default=2650, help="number of blocks")
        parser.add_argument(
            "--periods",
            type=int,
            default=260,
            help="visibility windows a block lists at most, about (±30%%): a run of the windows "
            "the sky gives it, around its longest; the default, about a year of nights, keeps "
            "every window, so the count follows from the sky (a median of about 145 a year at "
            "La Palma)",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="random seed (same seed, same files)"
        )
        parser.add_argument(
            "--format",
            choices=[choice for choice, _label in SourceFormat.CHOICES],
            default=SourceFormat.NATIVE,
            help="output format",
        )
        parser.add_argument("--output", required=True, help="schedule file to write")
        parser.add_argument(
            "--dark-periods",
            help="dark-periods file whose periods, location and time window to use "
            "(default: the sky model's nights at La Palma over 2028)",
        )
        parser.add_argument("--name", help="schedule name (default: from sizes and seed)")

    def handle(self, *args, **options) -> None:
        blocks, periods, seed = options["blocks"], options["periods"], options["seed"]
        if blocks < 0 or periods < 0:
            raise CommandError("--blocks and --periods must be zero or more.")
        output = Path(options["output"])
        if not output.parent.is_dir():
            raise CommandError(f"Cannot write {output}: {output.parent} is not a directory.")
        name = options["name"] or f"synthetic-{blocks}x{periods}-seed{seed}"
        site = {}
        if options["dark_periods"]:
            try:
                dark_periods, location, window = read_dark_periods(
                    InputFile.from_path(options["dark_periods"])
                )
            except (ScheduleInputError, OSError) as error:
                raise CommandError(f"Cannot use the dark periods: {error}") from None
            site = {"dark_periods": dark_periods, "location": location, "schedule_period": window}
        data = generate_schedule_data(
            blocks=blocks, periods_per_block=periods, seed=seed, name=name, **site
        )
        written = write_schedule(data, options["format"], name)
        files = [
            (output, written.schedule),
            (output.with_name(f"{output.stem}_possible_periods.json"), written.visibility),
            (output.with_name(f"{output.stem}_dark_periods.json"), written.dark_periods),
        ]
        for path, content in files:
            if content is None:
                continue
            try:
                path.write_bytes(content)
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error.strerror}") from None
            self.stdout.write(f"Wrote {path} ({len(content):,} bytes)")
        self.stdout.write(
            f"{data.block_count:,} blocks, {len(data.visibility_periods):,} visibility periods, "
            f"checksum {data.checksum()[:12]}"
        )
