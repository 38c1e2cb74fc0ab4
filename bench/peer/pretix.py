"""pretix under gunicorn, with the bench's settings: found, set up once, served, always stopped.

Where pretix comes from:

- ``PRETIX_PYTHON``: the Python of a virtualenv where pretix is installed (``pip install pretix``);
- else this bench's own Python, when ``import pretix`` works in it.

``PRETIX_DIR`` is where its data lives (default ``bench/data/pretix``, not in git): a config file
written by the bench (SQLite, like the comparison in issue 21), the database and a marker saying
the organiser and event the bench reads exist (``python -m pretix rebuild`` compiles the static
files into pretix's own package, ``static.dist``). Setting up takes a few minutes the first time
(migrations, rebuild); later runs reuse it.

``PRETIX_REDIS_URL`` is pretix's cache and session store (default ``redis://127.0.0.1:6379/14``
when Redis answers there; ``off``: none). pretix's install guide requires Redis, and without it
every request (hello-world too) reads its settings from the database through a dummy cache, which
is not how pretix runs anywhere.

The served app is ``bench.peer.pretix_wsgi``: pretix's own WSGI application with one extra URL,
``/bench/hello``, a Django hello-world view behind pretix's full middleware, as ``/bench/hello``
is behind ours.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bench.server import GunicornServer, request_once

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DIR = ROOT / "bench" / "data" / "pretix"
#: pretix's public event front page for the event :mod:`bench.peer.pretix_setup` creates.
FRONT_PAGE = "/bench/bench/"
HELLO = "/bench/hello"
HELLO_BODY = b"Hello, world!"
EVENT_NAME = "Good relations in Crawley"
#: What the front page holds when it is the shop of the bench event, on sale (checked before measuring).
FRONT_PAGE_MARKERS = (EVENT_NAME, f'action="{FRONT_PAGE}cart/add', "powered by pretix")
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
INSTALL_HINT = ("python3.11 -m venv ~/pretix-venv && ~/pretix-venv/bin/pip install pretix gunicorn, "
                "then PRETIX_PYTHON=~/pretix-venv/bin/python make bench")


@dataclass(frozen=True)
class Pretix:
    """An installed pretix: its Python, version and data directory."""

    python: str
    version: str
    directory: Path
    #: pretix's cache and session store, or None (a dummy cache, sessions in the database).
    redis_url: str | None = None


def skip_message(reason: str) -> str:
    """The one line ``make bench`` prints when B10 cannot run."""
    return f"B10 skipped: {reason} (to compare with pretix: {INSTALL_HINT})"


def find() -> tuple[Pretix | None, str]:
    """(pretix, "") when it can be run, else (None, why not)."""
    python = os.environ.get("PRETIX_PYTHON") or sys.executable
    if not Path(python).exists():
        return None, f"PRETIX_PYTHON={python} does not exist"
    try:
        probe = subprocess.run([python, "-c", "import pretix, gunicorn; print(pretix.__version__)"],
                               capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"cannot run {python}: {error}"
    if probe.returncode != 0:
        missing = "gunicorn" if "gunicorn" in probe.stderr and "pretix" not in probe.stderr else "pretix"
        where = "PRETIX_PYTHON" if os.environ.get("PRETIX_PYTHON") else "this Python"
        return None, f"{missing} is not installed ({where}: {python})"
    directory = Path(os.environ.get("PRETIX_DIR") or DEFAULT_DIR)
    return Pretix(python, probe.stdout.strip(), directory, redis_url()), ""


def redis_url() -> str | None:
    """``PRETIX_REDIS_URL`` (``off``: None); by default :data:`DEFAULT_REDIS` when Redis answers there."""
    chosen = os.environ.get("PRETIX_REDIS_URL", "").strip()
    if chosen.lower() in ("off", "none", "no", "0"):
        return None
    if chosen:
        return chosen
    where = urlsplit(DEFAULT_REDIS)
    try:
        with socket.create_connection((where.hostname, where.port or 6379), timeout=1):
            return DEFAULT_REDIS
    except OSError:
        return None


def check_pages(port: int) -> None:
    """Raise unless hello-world answers 200 with its text and the front page 200 with the event's shop."""
    status, body, _headers = request_once(port, ("GET", HELLO, None, {}))
    if status != 200 or body != HELLO_BODY:
        raise RuntimeError(f"pretix's {HELLO} answered {status} {body[:200]!r}")
    status, body, headers = request_once(port, ("GET", FRONT_PAGE, None, {}))
    text = body.decode("utf-8", "replace")
    missing = [marker for marker in FRONT_PAGE_MARKERS if marker not in text]
    if status != 200 or missing:
        where = f" (Location: {headers['Location']})" if headers.get("Location") else ""
        raise RuntimeError(f"pretix's front page {FRONT_PAGE} answered {status}{where} without {missing} "
                           f"(set up afresh by deleting PRETIX_DIR): {text[:300]!r}")


def config_text(directory: Path, port: int, redis_url: str | None = None) -> str:
    """pretix's config file: SQLite; with ``redis_url``, Redis as its cache and session store."""
    data = directory / "data"
    redis = ["[redis]", f"location={redis_url}", "sessions=true", ""] if redis_url else []
    return "\n".join([
        "[pretix]", "instance_name=eventsapp bench", f"url=http://127.0.0.1:{port}", "currency=GBP",
        f"datadir={data}", "registration=off", "",
        "[database]", "backend=sqlite3", f"name={data / 'db.sqlite3'}", "",
        "[mail]", "from=bench@example.org", "",
        "[django]", "debug=off", "",
        *redis,
    ])


def environment(pretix: Pretix, port: int) -> dict[str, str]:
    config = pretix.directory / "bench-pretix.cfg"
    (pretix.directory / "data").mkdir(parents=True, exist_ok=True)
    config.write_text(config_text(pretix.directory, port, pretix.redis_url))
    env = {**os.environ, "PRETIX_CONFIG_FILE": str(config), "DJANGO_SETTINGS_MODULE": "pretix.settings",
           "PYTHONPATH": str(ROOT)}
    for key in ("DATABASE_URL", "BENCH_DATABASE_URL"):
        env.pop(key, None)
    return env


def set_up(pretix: Pretix, log=print) -> None:
    """Migrate, build static files and create the bench organiser and event, once per pretix version."""
    marker = pretix.directory / f".bench-ready-{pretix.version}"
    if marker.exists():
        return
    env = environment(pretix, 80)
    for step in (["-m", "pretix", "migrate", "--noinput"], ["-m", "pretix", "rebuild"],
                 ["-m", "bench.peer.pretix_setup"]):
        log(f"pretix: {' '.join(step[1:])} ...")
        # from pretix's own directory: its compilemessages reads every .po file under the working
        # directory, and a checkout's .venv holds other packages' (wtforms' Catalan one fails msgfmt)
        done = subprocess.run([pretix.python, *step], cwd=pretix.directory, env=env, capture_output=True,
                              text=True, timeout=1800, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"pretix {' '.join(step[1:])} failed: {done.stderr.strip()[-600:]}")
    marker.write_text("ready\n")


class PretixServer(GunicornServer):
    """``with PretixServer(pretix, workers=2) as server:`` pretix's gunicorn with the same settings as
    :class:`bench.server.Gunicorn` (sync workers, loopback), in pretix's Python; always stopped."""

    def __init__(self, pretix: Pretix, workers: int = 2, timeout: float = 120):
        super().__init__("bench.peer.pretix_wsgi:application", log=ROOT / "bench" / "data" / "gunicorn-pretix.log",
                         workers=workers, timeout=timeout, gunicorn=(pretix.python, "-m", "gunicorn"),
                         ready_path=HELLO, name="pretix's gunicorn")
        self.pretix = pretix

    def environment(self) -> dict[str, str]:
        return environment(self.pretix, self.port)
