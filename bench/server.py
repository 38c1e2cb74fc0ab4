"""Gunicorn on a free loopback port, and a bounded HTTP load client (threads + http.client)."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
#: The loopback ports this team gave the bench area.
PORTS = range(5090, 5100)

#: A request: (method, path, body or None, extra headers)
Request = tuple[str, str, bytes | None, dict]


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


class GunicornServer:
    """gunicorn with the bench's settings (sync workers, on a free bench port of the loopback,
    warnings only): started by ``with``, ready when ``ready_path`` answers 200, always stopped.

    ``app`` is the WSGI application's path; ``gunicorn`` the command that runs gunicorn (another
    Python's ``-m gunicorn`` for a peer); a subclass gives :meth:`environment`, which may depend
    on the port.
    """

    def __init__(self, app: str, *, log: Path, workers: int = 2, timeout: float = 60,
                 gunicorn: tuple[str, ...] = (str(GUNICORN),), ready_path: str = "/bench/hello",
                 name: str = "gunicorn"):
        self.app = app
        self.log = log
        self.workers = workers
        self.timeout = timeout
        self.gunicorn = gunicorn
        self.ready_path = ready_path
        self.name = name
        self.port = 0
        self.process: subprocess.Popen | None = None

    def environment(self) -> dict[str, str]:
        """The server's environment, once :attr:`port` is chosen."""
        return dict(os.environ)

    def command(self) -> list[str]:
        return [*self.gunicorn, "--workers", str(self.workers), "--bind", f"127.0.0.1:{self.port}",
                "--worker-class", "sync", "--timeout", "120", "--log-level", "warning", self.app]

    def __enter__(self) -> Self:
        self.port = free_port()
        env = self.environment()
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("w") as log:
            self.process = subprocess.Popen(self.command(), cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {self.log.read_text()[-800:]}")
            try:
                status, _body, _h = request_once(self.port, ("GET", self.ready_path, None, {}))
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer in time (see {self.log.relative_to(ROOT)})")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __exit__(self, *exc) -> None:
        self.stop()


class Gunicorn(GunicornServer):
    """``with Gunicorn(url, workers=4) as server:`` serves bench.wsgi_bench:app; always stopped."""

    def __init__(self, database_url: str, workers: int = 2, timeout: float = 60, app_config: dict | None = None):
        super().__init__("bench.wsgi_bench:app", log=ROOT / "bench" / "data" / "gunicorn.log",
                         workers=workers, timeout=timeout)
        self.database_url = database_url
        self.app_config = app_config or {}

    def environment(self) -> dict[str, str]:
        env = {**os.environ, "BENCH_DATABASE_URL": self.database_url,
               "BENCH_APP_CONFIG": json.dumps(self.app_config)}
        env.pop("DATABASE_URL", None)
        return env


def request_once(port: int, req: Request, timeout: float = 30) -> tuple[int, bytes, dict]:
    method, path, body, headers = req
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        all_headers = dict(headers)
        if body is not None:
            all_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        connection.request(method, path, body=body, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, data, dict(response.getheaders())
    finally:
        connection.close()


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return (self.requests - self.errors) / self.elapsed if self.elapsed else 0.0


def load(
    port: int,
    make_request: Callable[[int], Request],
    *,
    concurrency: int = 8,
    duration: float = 5.0,
    max_requests: int = 100_000,
    ok: Callable[[int], bool] = lambda status: 200 <= status < 400,
) -> LoadResult:
    """Send requests from ``concurrency`` threads until ``duration`` or ``max_requests``."""
    result = LoadResult()
    counter = itertools.count()
    lock = threading.Lock()
    deadline = time.perf_counter() + duration

    def client() -> None:
        while time.perf_counter() < deadline:
            index = next(counter)
            if index >= max_requests:
                return
            started = time.perf_counter()
            try:
                status, body, _headers = request_once(port, make_request(index))
                problem = None if ok(status) else f"{status}: {body[:200]!r}"
            except OSError as error:
                status, problem = 0, f"{type(error).__name__}: {error}"
            latency = time.perf_counter() - started
            with lock:
                result.requests += 1
                result.latencies.append(latency)
                result.statuses[status] += 1
                if problem:
                    result.errors += 1
                    if len(result.error_samples) < 3:
                        result.error_samples.append(problem)

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 120)
    result.elapsed = time.perf_counter() - started
    return result
