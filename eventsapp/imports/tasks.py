"""Background work of the imports area: web import jobs, and removing old ones (Celery beat)."""

from __future__ import annotations

from celery import shared_task

from eventsapp.imports import jobs


@shared_task(name="eventsapp.imports.run_job", ignore_result=True)
def run_job(job_id: str, write: bool) -> str:
    """Check a job's file, or write it (eventsapp.imports.jobs.run)."""
    return jobs.run(job_id, write)


@shared_task(name="eventsapp.imports.remove_old_jobs", ignore_result=True)
def remove_old_jobs() -> int:
    """Remove web import jobs older than ``IMPORT_JOB_MAX_AGE_HOURS`` with their uploads."""
    return jobs.remove_old_jobs()


@shared_task(name="eventsapp.imports.sweep", ignore_result=True)
def sweep() -> dict[str, int]:
    """Restart import passes whose worker died, or mark them failed (eventsapp.imports.jobs.sweep)."""
    return jobs.sweep()
