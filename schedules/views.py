"""Pages for schedules as a whole: the list, uploads and their jobs, and the native export."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.templatetags.static import static
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from schedules.formats import ScheduleInputError
from schedules.forms import DeleteForm, RenameForm, SiteForm, UploadForm
from schedules.models import IngestJob, Schedule
from schedules.permissions import can_manage, can_upload, may_change, may_delete
from schedules.pipeline.jobs import UploadNotStored, create_batch, create_ingest_job
from schedules.pipeline.manage import (
    RenameRefused,
    change_site,
    delete_schedules,
    rename_schedule,
)
from schedules.pipeline.refresh import ContentClash
from schedules.selectors import (
    COMPOSITE_ORDERINGS,
    batch_summary,
    by_composite_score,
    deletion_counts,
    manageable_schedules,
    schedule_list,
    visible_jobs,
)
from tsi_site.request_checks import too_large_message
from tsi_site.web.access import read_required
from tsi_site.web.downloads import native_export_response

SCHEDULES_PER_PAGE = 25
JOB_POLL_SECONDS = 2


def _upload_allowed(request: HttpRequest) -> None:
    """Raise 403 for a signed-in user without the upload permission."""
    if not can_upload(request.user):
        raise PermissionDenied("You do not have permission to upload schedules.")


def _followed_job(request: HttpRequest, job_id: int) -> IngestJob:
    """A job the uploader may follow, as it should be seen now."""
    _upload_allowed(request)
    return get_object_or_404(visible_jobs(request.user), pk=job_id).as_seen()


@require_safe
@read_required
def home(request: HttpRequest) -> HttpResponse:
    search = request.GET.get("q", "").strip()[:200]
    ordering = request.GET.get("ordering", "")
    schedules = schedule_list(search=search)
    if ordering in COMPOSITE_ORDERINGS:
        schedules = by_composite_score(schedules, ordering)
    page = Paginator(schedules, SCHEDULES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "schedules/home.html",
        {
            "page_obj": page,
            "search": search,
            "ordering": ordering,
            "can_upload": can_upload(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _upload_allowed(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if getattr(request, "upload_too_large", None):
        context = {
            "form": UploadForm(),
            "refused": too_large_message(file_name=request.upload_too_large),
        }
        return render(request, "schedules/upload.html", context, status=413)
    if request.method == "POST" and form.is_valid():
        files = form.cleaned_data["schedule_file"]
        try:
            if len(files) > 1:
                batch = create_batch(
                    files,
                    user=request.user,
                    drop_invalid_periods=form.cleaned_data["drop_invalid_periods"],
                    sky=form.cleaned_data["sky"],
                )
                return redirect("schedules:batch", batch=batch)
            job = create_ingest_job(
                schedule_file=files[0],
                visibility_file=form.cleaned_data["visibility_file"],
                dark_periods_file=form.cleaned_data["dark_periods_file"],
                name=form.cleaned_data["name"],
                user=request.user,
                drop_invalid_periods=form.cleaned_data["drop_invalid_periods"],
                sky=form.cleaned_data["sky"],
            )
        except UploadNotStored as error:
            context = {"form": form, "refused": str(error)}
            return render(request, "schedules/upload.html", context, status=507)
        if job.state == IngestJob.State.SUCCEEDED and job.schedule is not None:
            if job.schedule.uploaded_at < job.created_at:
                messages.info(request, f"This content is already stored as “{job.schedule}”.")
            else:
                messages.success(request, f"Stored as “{job.schedule}”.")
            if job.dropped_periods:
                messages.warning(request, job.dropped_periods_summary)
            return redirect(job.schedule)
        return redirect("schedules:job", job_id=job.pk)
    return render(request, "schedules/upload.html", {"form": form})


@require_safe
@login_required
def batch_detail(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    """The jobs of a bulk upload and what became of each file; refreshes until all ran."""
    _upload_allowed(request)
    summary = batch_summary(request.user, batch)
    if summary is None:
        raise Http404("No upload batch with this id.")
    context = {"batch": batch, "summary": summary, "poll_seconds": JOB_POLL_SECONDS}
    return render(request, "schedules/batch.html", context)


@require_safe
@login_required
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _followed_job(request, job_id)
    return render(
        request,
        "schedules/job.html",
        {"job": job, "finished": _finished(job), "poll_seconds": JOB_POLL_SECONDS},
    )


@require_safe
@login_required
def job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    """What the job page polls while the job runs."""
    job = _followed_job(request, job_id)
    return JsonResponse(
        {
            "state": job.state,
            "phase": job.phase,
            "progress": job.progress,
            "finished": _finished(job),
            "error": job.error,
            "schedule_url": job.schedule.get_absolute_url() if job.schedule else None,
        }
    )


def _finished(job: IngestJob) -> bool:
    return job.state in (IngestJob.State.SUCCEEDED, IngestJob.State.FAILED)


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's)."""
    return redirect(static("tsi/favicon.svg"))


@require_safe
@read_required
def export(request: HttpRequest, schedule_id: int) -> HttpResponse:
    """The schedule in the native format, as a download."""
    return native_export_response(get_object_or_404(Schedule, pk=schedule_id))


def _manage_allowed(request: HttpRequest) -> None:
    if not can_manage(request.user):
        raise PermissionDenied("You do not have permission to manage schedules.")


def _back_to_manage(request: HttpRequest) -> HttpResponse:
    """The management page as the user left it (search and page)."""
    query = {key: request.POST[key] for key in ("q", "page") if request.POST.get(key)}
    url = reverse("schedules:manage")
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@require_safe
@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """Rename, re-site, download and delete the schedules the user may manage."""
    _manage_allowed(request)
    search = request.GET.get("q", "").strip()[:200]
    schedules = manageable_schedules(request.user, search=search)
    page = Paginator(schedules, SCHEDULES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        (
            schedule,
            may_change(request.user, schedule),
            may_delete(request.user, schedule),
        )
        for schedule in page
    ]
    context = {
        "page_obj": page,
        "rows": rows,
        "search": search,
        "site_form": SiteForm(),
        "any_deletable": any(deletable for _, _, deletable in rows),
    }
    return render(request, "schedules/manage.html", context)


def _changeable(request: HttpRequest, schedule_id: int) -> Schedule:
    _manage_allowed(request)
    schedule = get_object_or_404(Schedule, pk=schedule_id)
    if not may_change(request.user, schedule):
        raise PermissionDenied("You may not change this schedule.")
    return schedule


@require_POST
@login_required
def rename(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _changeable(request, schedule_id)
    form = RenameForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"“{schedule}” was not renamed: {_first_error(form)}")
        return _back_to_manage(request)
    before = str(schedule)
    try:
        rename_schedule(schedule, form.cleaned_data["name"])
    except RenameRefused as error:
        messages.error(request, f"“{before}” was not renamed: {error}")
    else:
        messages.success(request, f"“{before}” is now “{schedule}”.")
    return _back_to_manage(request)


@require_POST
@login_required
def change_site_view(request: HttpRequest, schedule_id: int) -> HttpResponse:
    schedule = _changeable(request, schedule_id)
    form = SiteForm(request.POST)
    if not form.is_valid() or form.cleaned_data["chosen"] is None:
        messages.error(request, f"The site of “{schedule}” was not changed: {_first_error(form)}")
        return _back_to_manage(request)
    site = form.cleaned_data["chosen"]
    try:
        change = change_site(schedule, site)
    except (ContentClash, ScheduleInputError) as error:
        messages.error(request, f"The site of “{schedule}” was not changed: {error}")
    else:
        messages.success(request, f"“{schedule}” is now at {site.name}. {change.message}".strip())
    return _back_to_manage(request)


def _first_error(form) -> str:
    return next(iter(error for errors in form.errors.values() for error in errors), "")


@require_http_methods(["GET", "POST"])
@login_required
def delete(request: HttpRequest) -> HttpResponse:
    """Confirm (GET) and delete (POST) the chosen schedules; each must be the user's to
    delete."""
    _manage_allowed(request)
    form = DeleteForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        messages.error(request, "Choose the schedules to delete.")
        return redirect("schedules:manage")
    schedules = form.cleaned_data["ids"]
    if not all(may_delete(request.user, schedule) for schedule in schedules):
        raise PermissionDenied("You may not delete some of these schedules.")
    if request.method == "POST":
        deleted = delete_schedules(schedules)
        messages.success(request, f"Deleted {deleted} schedule{pluralize(deleted)}.")
        return redirect("schedules:manage")
    context = {"schedules": schedules, "counts": deletion_counts(schedules)}
    return render(request, "schedules/manage_delete.html", context)
