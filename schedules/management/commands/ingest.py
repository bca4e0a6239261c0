"""``manage.py ingest``: load a schedule file (and its companions) into the database, or
several schedule files (paths and quoted shell-style globs) one after another with one
summary at the end."""

from __future__ import annotations

import argparse
import glob
import logging
import sys
from pathlib import PurePath

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from analytics.management.release_gate import add_fail_if_argument, enforce, parse_fail_if
from schedules.formats import InputFile, ScheduleInputError
from schedules.mjd import PERIOD_FORMS, parse_period
from schedules.pipeline.ingest import IngestOutcome, ingest_schedule
from schedules.pipeline.sky import SkyOptions
from schedules.selectors import ALREADY_STORED, REFUSED, STORED, BatchEntry, BatchSummary
from schedules.sky.sites import ACCEPTED as ACCEPTED_SITES
from schedules.sky.sites import parse_site

EXIT_BAD_INPUT = 2
# Options that describe one schedule, refused with several files.
SINGLE_FILE_OPTIONS = {
    "visibility": "--visibility",
    "dark_periods": "--dark-periods",
    "name": "--name",
    "dry_run": "--dry-run",
    "fail_if": "--fail-if",
}

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Ingest a schedule (raw, snake-case or native JSON; detected automatically) with "
        "optional visibility (possible periods) and dark-period files. The same content twice "
        "is stored once."
    )
    # An ingest touches no URL or template; the full system checks would add a second to
    # every pipeline run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "schedule",
            nargs="+",
            help="schedule JSON file; several paths or quoted shell-style globs ('runs/*.json', "
            "expanded in sorted order) ingest each file in turn, each named after its file, and "
            "print one summary (exit 2 when any file was refused)",
        )
        parser.add_argument(
            "--visibility",
            help="possible-periods (visibility) JSON file; raw schedules keep their visibility "
            "in this separate file, and without any every block counts as impossible",
        )
        parser.add_argument("--dark-periods", help="dark-periods JSON file")
        parser.add_argument("--name", help="schedule name (default: the file's name field or stem)")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and analyse only; write nothing"
        )
        parser.add_argument(
            "--drop-invalid-periods",
            action="store_true",
            help="leave out periods whose start is not before their stop (or outside the years "
            "1 to 9999) and report them, instead of refusing the files",
        )
        parser.add_argument(
            "--site",
            metavar="NAME|LON,LAT,HEIGHT",
            help=f"site replacing the location in the files, for computed dark periods and "
            f"visibility and the altitude check: {ACCEPTED_SITES} (write --site=LON,LAT,HEIGHT "
            "when the longitude is negative)",
        )
        parser.add_argument(
            "--period",
            metavar="START,END",
            help=f"schedule period replacing the one in the files: {PERIOD_FORMS}",
        )
        parser.add_argument(
            "--dark-moon",
            action=argparse.BooleanOptionalAction,
            default=True,
            help="dark periods computed when the files bring none need the Moon below the "
            "horizon (default); --no-dark-moon: the Sun below -18° only",
        )
        parser.add_argument(
            "--compute-visibility",
            action="store_true",
            help="compute visibility from the sky even when the files bring it (it is computed "
            "anyway when they do not and a site is known)",
        )
        parser.add_argument(
            "--json", action="store_true", help="print one JSON object instead of text"
        )
        add_fail_if_argument(parser)

    def handle(self, *args, **options) -> None:
        paths = options["schedule"]
        if len(paths) == 1 and not glob.has_magic(paths[0]):
            self._ingest_one(paths[0], options)
        else:
            self._ingest_many(paths, options)

    def _ingest_many(self, patterns: list[str], options: dict) -> None:
        """Each file in its own transaction: one refused file stops nothing."""
        used = [flag for key, flag in SINGLE_FILE_OPTIONS.items() if options[key]]
        if used:
            raise CommandError(
                f"{', '.join(used)} describe{'s' if len(used) == 1 else ''} one schedule; give "
                "one schedule file with them, or leave them out to ingest several.",
                returncode=EXIT_BAD_INPUT,
            )
        sky = _sky_options(options)
        entries = [
            entry if isinstance(entry, BatchEntry) else self._ingest_file(entry, options, sky)
            for entry in _expand(patterns)
        ]
        summary = BatchSummary(entries)
        self.stdout.write(_render_summary(summary, as_json=options["json"]))
        if summary.refusals:
            raise CommandError(
                f"{len(summary.refusals)} of {len(entries)} files were refused.",
                returncode=EXIT_BAD_INPUT,
            )

    def _ingest_file(self, path: str, options: dict, sky: SkyOptions) -> BatchEntry:
        try:
            outcome = ingest_schedule(
                InputFile.from_path(path),
                name=PurePath(path).stem,
                drop_invalid_periods=options["drop_invalid_periods"],
                sky=sky,
            )
        except ScheduleInputError as error:
            return BatchEntry(path, REFUSED, reason=str(error))
        except Exception as error:  # one broken file must not stop the others
            logger.exception("Ingest of %s failed", path)
            return BatchEntry(path, REFUSED, reason=f"internal error: {error}")
        if not options["json"]:
            for warning in outcome.warnings:
                self.stderr.write(f"Warning: {path}: {warning}")
        return BatchEntry(path, STORED if outcome.created else ALREADY_STORED, outcome.schedule)

    def _ingest_one(self, path: str, options: dict) -> None:
        as_json = options["json"]
        conditions = parse_fail_if(options["fail_if"])
        if conditions and options["dry_run"]:
            raise CommandError(
                "--fail-if checks the stored schedule; drop --dry-run to use it.",
                returncode=EXIT_BAD_INPUT,
            )
        sky = _sky_options(options)
        try:
            schedule = InputFile.from_path(path)
            visibility = _optional_file(options["visibility"])
            dark_periods = _optional_file(options["dark_periods"])
            with ProgressDisplay(enabled=not as_json and sys.stderr.isatty()) as progress:
                outcome = ingest_schedule(
                    schedule,
                    visibility=visibility,
                    dark_periods=dark_periods,
                    name=options["name"],
                    progress=progress,
                    dry_run=options["dry_run"],
                    drop_invalid_periods=options["drop_invalid_periods"],
                    sky=sky,
                )
        except ScheduleInputError as error:
            if as_json:
                self.stdout.write(
                    orjson.dumps(
                        {
                            "error": str(error),
                            "file": error.file,
                            "location": error.location,
                            "message": error.message,
                        }
                    ).decode()
                )
                raise CommandError(str(error), returncode=EXIT_BAD_INPUT) from None
            raise CommandError(
                f"{error}\nNothing was written to the database.", returncode=EXIT_BAD_INPUT
            ) from None
        if not as_json:
            for note in outcome.notes:
                self.stderr.write(f"Note: {note}")
            for warning in outcome.warnings:
                self.stderr.write(f"Warning: {warning}")
        self.stdout.write(_render(outcome, dry_run=options["dry_run"], as_json=as_json))
        enforce(outcome.schedule, conditions, self.stderr)


def _sky_options(options: dict) -> SkyOptions:
    """The sky options, or exit 2 naming the accepted forms: a bad site or period is a typo,
    caught before any file is read."""
    try:
        site = parse_site(options["site"]) if options["site"] else None
    except ValueError as error:
        raise CommandError(f"--site: {error}", returncode=EXIT_BAD_INPUT) from None
    try:
        period = parse_period(options["period"]) if options["period"] else None
    except ValueError as error:
        raise CommandError(f"--period: {error}", returncode=EXIT_BAD_INPUT) from None
    return SkyOptions(
        site=site,
        period=period,
        moon=options["dark_moon"],
        compute_visibility=options["compute_visibility"],
    )


def _expand(patterns: list[str]) -> list[str | BatchEntry]:
    """The paths to ingest, in order: each glob's matches sorted, each file once; a glob that
    matches nothing is refused."""
    paths: list[str | BatchEntry] = []
    for pattern in patterns:
        if not glob.has_magic(pattern):
            paths.append(pattern)
            continue
        matches = sorted(glob.glob(pattern))
        paths.extend(matches or [BatchEntry(pattern, REFUSED, reason="no file matches")])
    return list(dict.fromkeys(paths))


def _render_summary(summary: BatchSummary, *, as_json: bool) -> str:
    if as_json:
        return orjson.dumps(
            {
                "files": [_entry_json(entry) for entry in summary.entries],
                **{
                    outcome.replace(" ", "_"): summary.count(outcome)
                    for outcome in (STORED, ALREADY_STORED, REFUSED)
                },
                "summary": summary.line,
            }
        ).decode()
    lines = []
    for entry in summary.entries:
        schedule = entry.schedule
        if schedule is None:
            lines.append(f"refused: {entry.file}: {entry.reason}")
        else:
            lines.append(
                f'{entry.outcome}: {entry.file} → schedule {schedule.pk} ("{schedule.name}" '
                f"version {schedule.version}, {schedule.block_count:,} blocks)"
            )
    return "\n".join([*lines, f"{summary.line}."])


def _entry_json(entry: BatchEntry) -> dict:
    schedule = entry.schedule
    return {
        "file": entry.file,
        "outcome": entry.outcome.replace(" ", "_"),
        "id": schedule.pk if schedule else None,
        "name": schedule.name if schedule else None,
        "version": schedule.version if schedule else None,
        "blocks": schedule.block_count if schedule else None,
        "reason": entry.reason,
    }


def _optional_file(path: str | None) -> InputFile | None:
    return InputFile.from_path(path) if path else None


def _render(outcome: IngestOutcome, *, dry_run: bool, as_json: bool) -> str:
    schedule = outcome.schedule
    if as_json:
        return orjson.dumps(
            {
                "id": schedule.pk if schedule else None,
                "name": outcome.name,
                "version": schedule.version if schedule else None,
                "blocks": outcome.block_count,
                "checksum": outcome.checksum,
                "created": outcome.created and not dry_run,
                "already_ingested": not outcome.created,
                "dry_run": dry_run,
                "warnings": outcome.warnings,
                "notes": outcome.notes,
                "sky": outcome.sky,
                "dropped_periods": outcome.dropped_periods,
                "dropped_period_locations": outcome.dropped_period_locations,
                "timings": {phase: round(seconds, 4) for phase, seconds in outcome.timings.items()},
            }
        ).decode()
    if not outcome.created:
        text = (
            f"Already ingested as schedule {schedule.pk} "
            f'("{schedule.name}" version {schedule.version}); nothing changed.'
        )
    elif dry_run:
        text = (
            f'Dry run: "{outcome.name}" is valid ({outcome.block_count:,} blocks, checksum '
            f"{outcome.checksum[:12]}); nothing was written."
        )
    else:
        text = (
            f'Ingested schedule {schedule.pk}: "{schedule.name}" version {schedule.version}, '
            f"{schedule.block_count:,} blocks (checksum {outcome.checksum[:12]})."
        )
    if outcome.dropped_periods:
        # The warning on stderr lists where; the result line must not hide that data is gone.
        text += f" Invalid periods dropped: {outcome.dropped_periods:,}."
    return text


class ProgressDisplay:
    """A tqdm bar on a terminal; plain phase lines on stderr otherwise."""

    def __init__(self, *, enabled: bool) -> None:
        self._bar = tqdm(total=100, unit="%", file=sys.stderr, leave=False) if enabled else None
        self._phase = ""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        if self._bar is not None:
            self._bar.close()

    def __call__(self, phase: str, fraction: float) -> None:
        if self._bar is not None:
            self._bar.set_description(phase)
            self._bar.update(round(fraction * 100) - self._bar.n)
        elif phase != self._phase:
            self._phase = phase
            sys.stderr.write(f"{phase} ({fraction:.0%})\n")
