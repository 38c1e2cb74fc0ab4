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
    # ru_maxrss is in KiB on Linux
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("BENCH-RESULT " + json.dumps(result, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
