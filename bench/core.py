"""What every benchmark shares: result rows, feature checks, measuring in a subprocess."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.generate import DATA_DIR, DEFAULT_PG_URL, Sizes, default_sqlite_url, postgres_url_for_scale

ROOT = Path(__file__).resolve().parent.parent
MISSING = "not available yet (feature missing)"
WORKER_TIMEOUT = 1800


@dataclass
class Row:
    """One line of the table: a measurement, its same-run baseline and the target."""

    benchmark: str
    measurement: str
    value: str = ""
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""
    data: dict = field(default_factory=dict)

    @classmethod
    def missing(cls, benchmark: str, measurement: str, target: str = "", why: str = "") -> Row:
        return cls(benchmark, measurement, MISSING, target=target, note=why)

    @classmethod
    def failed(cls, benchmark: str, measurement: str, error: str, target: str = "") -> Row:
        return cls(benchmark, measurement, "error", target=target, met=False, note=error[-300:])


class FeatureMissing(Exception):
    """The product code a benchmark times has not landed (yet)."""


def feature(module: str, attribute: str | None = None):
    """Import ``module`` (and get ``attribute``), or raise FeatureMissing."""
    try:
        loaded = importlib.import_module(module)
    except ImportError as error:
        raise FeatureMissing(f"{module}: {error}") from None
    if attribute is None:
        return loaded
    try:
        return getattr(loaded, attribute)
    except AttributeError:
        raise FeatureMissing(f"{module}.{attribute} does not exist") from None


def find_rule(app, path_prefix: str, methods: set[str] | None = None, contains: str = ""):
    """The first URL rule whose path starts with ``path_prefix`` (and contains ``contains``)."""
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(path_prefix) or contains not in rule.rule:
            continue
        if methods and not methods <= (rule.methods or set()):
            continue
        return rule
    return None


@dataclass
class Context:
    """What the harness hands each benchmark."""

    scale: float
    sqlite_url: str
    pg_url: str | None
    quick: bool = False
    log: Callable[[str], None] = print
    _datasets: dict = field(default_factory=dict)
    _rules: list[str] | None = None

    def sizes(self, **overrides) -> Sizes:
        return Sizes.scaled(self.scale, **overrides)

    def n(self, full: int, minimum: int = 1) -> int:
        """``full`` scaled to this run, at least ``minimum``."""
        return max(minimum, round(full * self.scale))

    def sqlite_path(self, name: str) -> str:
        return default_sqlite_url(f"{name}-s{self.scale:g}")

    def dataset(self, backend: str = "sqlite"):
        """The main dataset (``Sizes.scaled(scale)``) on a backend: (url, Counts), generated once."""
        from bench.generate import ensure_dataset

        url = self.pg_url if backend == "postgresql" else self.sqlite_url
        if url is None:
            raise FeatureMissing("PostgreSQL is not available for this run")
        key = (backend, url)
        if key not in self._datasets:
            self.log(f"dataset on {backend} (scale {self.scale:g}) ...")
            self._datasets[key] = (url, ensure_dataset(url, self.sizes()))
        return self._datasets[key]

    def server_backend(self) -> str:
        """Where served benchmarks run: PostgreSQL (production) when available."""
        return "postgresql" if self.pg_url else "sqlite"

    def app_rules(self) -> list[str]:
        """Every URL rule of the product app (to see which features have landed)."""
        if self._rules is None:
            from bench.generate import make_app

            app = make_app(default_sqlite_url("rules"), CHECK_DATABASE_ON_START=False)
            self._rules = [rule.rule for rule in app.url_map.iter_rules()]
        return self._rules

    def require_route(self, rule: str) -> None:
        if rule not in self.app_rules():
            raise FeatureMissing(f"no route {rule}")


def postgres_url(scale: float = 1.0) -> str | None:
    """The bench PostgreSQL database for ``scale`` if it answers, else None."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)
    if scale != 1:
        try:
            url = postgres_url_for_scale(url, scale)
        except Exception:  # noqa: BLE001
            return None
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception:  # noqa: BLE001  (any failure means: no PostgreSQL for this run)
        return None
    return url


def measure(func: str, timeout: float = WORKER_TIMEOUT, **kwargs) -> dict:
    """Run ``module:function(**kwargs)`` in a fresh Python process.

    The function returns a dict (typically with ``seconds``); the worker adds
    ``peak_rss_mb``, the process's peak resident set size (getrusage), which
    therefore includes the interpreter and the imported app. Raises
    FeatureMissing when the function reports that its feature is absent.
    """
    command = [sys.executable, "-m", "bench.worker", func, json.dumps(kwargs)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    completed = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    result = None
    for line in reversed(completed.stdout.splitlines()):
        if line.startswith("BENCH-RESULT "):
            result = json.loads(line[len("BENCH-RESULT "):])
            break
    if result is None:
        raise RuntimeError(
            f"{func} failed (exit {completed.returncode}): {completed.stderr.strip()[-600:]}"
        )
    if "missing" in result:
        raise FeatureMissing(result["missing"])
    if "error" in result:
        raise RuntimeError(f"{func}: {result['error']}")
    return result


def timed(function: Callable, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return time.perf_counter() - started, value


def best_of(repeats: int, function: Callable, *args, **kwargs) -> tuple[float, object]:
    """The fastest of ``repeats`` runs (the least disturbed by other load on the machine)."""
    best, value = float("inf"), None
    for _ in range(max(1, repeats)):
        seconds, value = timed(function, *args, **kwargs)
        best = min(best, seconds)
    return best, value


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def fmt_seconds(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "n/a"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def ratio(value: float, baseline: float) -> float | None:
    if not baseline or value != value or baseline != baseline:
        return None
    return value / baseline


__all__ = ["DATA_DIR", "Context", "FeatureMissing", "Row", "feature", "measure"]
