"""Web imports as jobs: the upload kept under the instance folder, state in a JSON file.

A job is checked (preview) and then, once confirmed, written, each in a
background thread that reports progress into ``state.json``; the browser
polls ``/imports/<job>/progress``. State lives in files rather than memory so
that any worker process can answer the poll. With ``TESTING`` (unless
``IMPORTS_BACKGROUND`` is set) the work runs inside the request instead.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import threading
import time
from pathlib import Path

from flask import Flask, current_app
from werkzeug.datastructures import FileStorage

from eventsapp.extensions import db
from eventsapp.imports.engine import ImportSummary, ImportTarget
from eventsapp.imports.services import ImportRefused, commit_import, preview_import

JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
#: Jobs older than this are removed when a new one starts.
MAX_AGE_SECONDS = 2 * 24 * 3600
_threads: dict[str, threading.Thread] = {}


def jobs_folder() -> Path:
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def job_folder(job_id: str) -> Path | None:
    if not JOB_ID.match(job_id or ""):
        return None
    folder = jobs_folder() / job_id
    return folder if (folder / "state.json").exists() else None


def load(job_id: str) -> dict | None:
    folder = job_folder(job_id)
    if folder is None:
        return None
    try:
        return json.loads((folder / "state.json").read_text())
    except (OSError, ValueError):
        return None


def save(state: dict) -> None:
    folder = jobs_folder() / state["id"]
    temporary = folder / "state.json.tmp"
    temporary.write_text(json.dumps(state))
    os.replace(temporary, folder / "state.json")


def create(upload: FileStorage, user_id: int, target: ImportTarget, source_name: str = "",
           job_id: str | None = None) -> dict:
    """Store the uploaded file (streamed to disk) and start checking it."""
    _remove_old_jobs()
    job_id = job_id or secrets.token_urlsafe(18)
    folder = jobs_folder() / job_id
    folder.mkdir(parents=True, exist_ok=True)
    file_name = Path(upload.filename or "upload").name[:200]
    suffix = ".xlsx" if file_name.lower().endswith(".xlsx") else ".csv"
    upload.save(folder / f"upload{suffix}")
    target.file_label = file_name
    state = {
        "id": job_id, "user_id": user_id, "file_name": file_name, "path": f"upload{suffix}",
        "target": target.__dict__, "source_name": source_name, "columns": None,
        "phase": "checking", "progress": 0.0, "rows": 0, "summary": None, "message": "",
        "created": time.time(),
    }
    save(state)
    start(state, write=False)
    return state


def start(state: dict, *, write: bool) -> None:
    state.update(phase="importing" if write else "checking", progress=0.0, rows=0, message="")
    save(state)
    app = current_app._get_current_object()
    background = app.config.get("IMPORTS_BACKGROUND", not app.testing)
    if not background:
        _run(app, state["id"], write)
        return
    thread = threading.Thread(target=_run, args=(app, state["id"], write), daemon=True,
                              name=f"import-{state['id'][:8]}")
    _threads[state["id"]] = thread
    thread.start()


def wait(job_id: str, timeout: float = 60) -> None:
    """Wait for a job's background work (tests, and a clean shutdown)."""
    thread = _threads.get(job_id)
    if thread is not None:
        thread.join(timeout)


def _run(app: Flask, job_id: str, write: bool) -> None:
    with app.app_context():
        state = load(job_id)
        if state is None:
            return
        path = jobs_folder() / job_id / state["path"]
        target = ImportTarget(**state["target"])
        last = [0.0]

        def progress(rows: int, fraction: float) -> None:
            now = time.monotonic()
            if now - last[0] >= 0.25 or fraction >= 1.0:
                last[0] = now
                state.update(progress=round(fraction, 4), rows=rows)
                save(state)

        try:
            if write:
                summary = commit_import(path, target, source_name=state["source_name"],
                                        columns=state["columns"], progress=progress)
                state.update(phase="done", summary=summary.to_dict(), progress=1.0)
            else:
                summary = preview_import(path, target, source_name=state["source_name"],
                                         columns=state["columns"], progress=progress)
                state.update(phase="previewed", summary=summary.to_dict(), progress=1.0)
        except ImportRefused as refused:
            state.update(phase="previewed", summary=refused.summary.to_dict(),
                         message=f"Nothing was imported: {refused}")
        except Exception:  # noqa: BLE001 (a background job must always end in a state the user sees)
            current_app.logger.exception("import job %s failed", job_id)
            db.session.rollback()
            state.update(phase="failed", message="The import stopped unexpectedly; nothing was written.")
        finally:
            db.session.remove()
        save(state)


def summary_of(state: dict) -> ImportSummary | None:
    return ImportSummary.from_dict(state["summary"]) if state.get("summary") else None


def discard(job_id: str) -> None:
    folder = job_folder(job_id)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _remove_old_jobs() -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for folder in jobs_folder().iterdir():
        state_file = folder / "state.json"
        try:
            if state_file.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue
