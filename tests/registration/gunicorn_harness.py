"""Run the app under real gunicorn workers and fire simultaneous registrations at it.

Used by test_concurrency.py. The server is started from .venv/bin/gunicorn with
the factory string ``eventsapp:create_app({...})`` and the same environment a
deployment uses (DATABASE_URL, SECRET_KEY, EVENTSAPP_ENV, MAIL_URL), on a free
loopback port.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from werkzeug.test import encode_multipart

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
CELERY = ROOT / ".venv" / "bin" / "celery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    """``with Gunicorn(database_url, instance, workers=4, config={...}) as server: server.port``."""

    def __init__(self, database_url: str, instance_path: Path, *, workers: int = 4,
                 config: dict | None = None, mail_url: str | None = None, access_log: bool = False,
                 race_delay: float = 0.0, locking: bool = True):
        self.port = free_port()
        self.log = instance_path / "gunicorn.log"
        instance_path.mkdir(parents=True, exist_ok=True)
        # Test-only switches go through the factory's test_config: no CSRF (no browser
        # session per client), no rate limit (all requests come from 127.0.0.1).
        settings = {"WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, **(config or {})}
        self.command = [
            str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
            "--timeout", "120", "--graceful-timeout", "5", "--backlog", "2048",
            *(["--access-logfile", "-"] if access_log else []),
            # The registration race seams, replaced in each worker (race_hooks.py).
            "-c", str(Path(__file__).with_name("race_hooks.py")),
            f"eventsapp:create_app({settings!r})",
        ]
        self.env = {
            **{k: v for k, v in os.environ.items() if k not in ("MAIL_URL", "DATABASE_URL")},
            "DATABASE_URL": database_url,
            "SECRET_KEY": "concurrency-test-secret",
            "EVENTSAPP_ENV": "development",
            "EVENTSAPP_INSTANCE_PATH": str(instance_path),
        }
        if mail_url:
            self.env["MAIL_URL"] = mail_url
        self.env["EVENTSAPP_TEST_RACE_DELAY"] = str(race_delay)
        self.env["EVENTSAPP_TEST_NO_LOCK"] = "0" if locking else "1"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.log_file = open(self.log, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.log_file,
                                        stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                if request("GET", self.port, "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not answer: {self.log.read_text()[-3000:]}")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()

    def errors_logged(self) -> str:
        return self.log.read_text(errors="replace")


NGINX = Path("/usr/sbin/nginx")


class Nginx:
    """``with Nginx([port_a, port_b], folder) as balancer: balancer.port``: nginx (Debian's package)
    as a round-robin load balancer in front of the given app servers, as a deployment has it."""

    def __init__(self, upstream_ports: list[int], folder: Path):
        self.port = free_port()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        servers = "".join(f"    server 127.0.0.1:{port};\n" for port in upstream_ports)
        temp = "".join(f"  {kind}_temp_path {folder / kind};\n"
                       for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        self.config = folder / "nginx.conf"
        self.config.write_text(f"""daemon off;
worker_processes 1;
pid {folder / 'nginx.pid'};
error_log {folder / 'error.log'} warn;
events {{ worker_connections 1024; }}
http {{
  access_log {folder / 'access.log'};
{temp}  # Bodies and responses stay in memory (the worker user may not write under a private tmp).
  client_max_body_size 20m;
  client_body_buffer_size 20m;
  proxy_max_temp_file_size 0;
  upstream app {{
{servers}  }}
  server {{
    listen 127.0.0.1:{self.port};
    location / {{
      proxy_pass http://app;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_read_timeout 120s;
    }}
  }}
}}
""")
        self.command = [str(NGINX), "-p", str(folder), "-c", str(self.config)]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Nginx:
        self.log_file = open(self.folder / "nginx.out", "wb")  # noqa: SIM115
        self.process = subprocess.Popen(self.command, stdout=self.log_file, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited: {(self.folder / 'nginx.out').read_text()[-2000:]}")
            try:
                if request("GET", self.port, "/healthz")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("nginx did not answer")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.log_file.close()


class CeleryWorker:
    """``with CeleryWorker(server.env): ...``: a real Celery worker beside the servers, on their
    broker (the SQLite broker in their instance folder unless ``CELERY_BROKER_URL`` is set)."""

    def __init__(self, env: dict, log: Path, *, concurrency: int = 2):
        self.env, self.log = env, log
        self.command = [str(CELERY), "-A", "eventsapp.worker", "worker", "--loglevel=INFO",
                        "--pool=threads", f"--concurrency={concurrency}",
                        "--without-gossip", "--without-mingle", "--without-heartbeat"]
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> CeleryWorker:
        self.log_file = open(self.log, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=self.log_file,
                                        stderr=subprocess.STDOUT)
        return self

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Deployment:
    """The app as deployed on several servers: gunicorn servers on one database and one Celery
    broker, each with an instance folder of its own, and real Celery workers beside them.

    ``with deployment.server("one") as one, deployment.server("two") as two:`` then, when the test
    wants the work done, ``with deployment.worker(one) as worker:`` (the ``deployment`` fixture).
    """

    def __init__(self, database_url: str, folder: Path, broker_url: str):
        self.database_url, self.folder, self.broker_url = database_url, folder, broker_url

    def server(self, name: str, *, workers: int = 2) -> Gunicorn:
        """An app server whose instance folder is ``folder/name``."""
        return Gunicorn(self.database_url, self.folder / name, workers=workers,
                        config={"CELERY_BROKER_URL": self.broker_url})

    def worker(self, server: Gunicorn, *, concurrency: int = 2) -> CeleryWorker:
        """A worker with the server's environment (database, secret key) on the same broker."""
        return CeleryWorker(server.env | {"CELERY_BROKER_URL": self.broker_url}, self.folder / "worker.log",
                            concurrency=concurrency)


def wait_for(condition, timeout: float = 60.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def request(method: str, port: int, path: str, form: dict | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        body = urlencode(form, doseq=True) if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


class Browser:
    """Cookies kept across requests and servers (one signed session cookie, as a browser's)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  NoRedirect())

    def request(self, port: int, path: str, *, form: dict | None = None, files: dict | None = None):
        data, headers = None, {}
        if files is not None:
            boundary, data = encode_multipart({**(form or {}), **files})
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif form is not None:
            data = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Outcome:
    status: int
    body: str


def simultaneous_posts(port: int, path: str, forms: list[dict]) -> list[Outcome]:
    """POST every form at once: all threads connect, then a barrier releases them together."""
    barrier = threading.Barrier(len(forms))

    def post(form: dict) -> Outcome:
        barrier.wait(timeout=60)
        try:
            return Outcome(*request("POST", port, path, form))
        except OSError as error:  # a refused or reset connection counts as a server error
            return Outcome(599, repr(error))

    with ThreadPoolExecutor(max_workers=len(forms)) as pool:
        return list(pool.map(post, forms))


if __name__ == "__main__":  # pragma: no cover - a manual smoke run
    print(GUNICORN, GUNICORN.exists(), sys.executable)
