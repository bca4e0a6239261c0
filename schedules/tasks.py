"""Background tasks, run by ``manage.py db_worker``."""

from django.tasks import task

from schedules.jobs import run_ingest_job


@task(queue_name="ingest")
def run_ingest_job_task(job_id: int) -> int | None:
    return run_ingest_job(job_id)
