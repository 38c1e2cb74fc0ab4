"""Run one measurement in this fresh process and report it with the peak RSS.

``python -m bench.worker module:function '{"kwarg": 1}'`` prints one line
``BENCH-RESULT {json}`` (the function's dict plus ``peak_rss_mb``).
"""

from __future__ import annotations

import importlib
import json
import resource
import sys
import traceback


def peak_rss_mb() -> float:
    """This process's peak resident set size.

    Linux's VmHWM belongs to the address space made at exec, whereas
    getrusage's ru_maxrss starts from the parent's RSS at fork (a big
    harness would inflate every measurement), so VmHWM is preferred.
    """
    try:
        for line in open("/proc/self/status", encoding="ascii"):  # noqa: SIM115
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def main() -> int:
    target, kwargs = sys.argv[1], json.loads(sys.argv[2])
    module_name, function_name = target.split(":")
    from bench.core import FeatureMissing

    try:
        function = getattr(importlib.import_module(module_name), function_name)
        result = dict(function(**kwargs) or {})
    except FeatureMissing as missing:
        result = {"missing": str(missing)}
    except Exception as error:  # noqa: BLE001  (reported in the table, never a crash)
        traceback.print_exc()
        result = {"error": f"{type(error).__name__}: {error}"[:500]}
    result["peak_rss_mb"] = peak_rss_mb()
    print("BENCH-RESULT " + json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
