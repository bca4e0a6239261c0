"""File responses of the pages and the API: CSV tables and the native schedule export."""

from __future__ import annotations

import io

from django.http import HttpResponse
from django.utils.text import slugify

from schedules.models import Schedule
from schedules.selectors import export_schedule_native
from tsi_site.web.tables import Table


def download_name(schedule: Schedule, name: str, extension: str) -> str:
    """``<schedule>-v<version>[-<name>].<extension>``, safe as a file name."""
    suffix = f"-{name}" if name else ""
    return f"{slugify(schedule.name) or 'schedule'}-v{schedule.version}{suffix}.{extension}"


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def table_csv_response(table: Table, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    table.write_csv(buffer)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return attachment(response, filename)


def native_export_response(schedule: Schedule) -> HttpResponse:
    """The schedule as a native-format JSON download; ingesting it again changes nothing."""
    response = HttpResponse(export_schedule_native(schedule), content_type="application/json")
    return attachment(response, download_name(schedule, "", "json"))
