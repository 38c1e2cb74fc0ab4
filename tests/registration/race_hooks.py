"""A gunicorn configuration file the concurrency tests give their servers (``-c``): it replaces two
seams of eventsapp.registration.services in each worker, so that production code reads no test-only
setting.

- ``EVENTSAPP_TEST_RACE_DELAY`` (seconds): sleep between counting places and inserting, widening
  the window a missing lock would let two requests through;
- ``EVENTSAPP_TEST_NO_LOCK=1``: take no lock at all (the control run that must overbook).
"""

import os
import time


def post_worker_init(worker):
    from eventsapp.registration import services

    delay = float(os.environ.get("EVENTSAPP_TEST_RACE_DELAY") or 0)
    if delay:
        services.between_count_and_insert = lambda: time.sleep(delay)
    if os.environ.get("EVENTSAPP_TEST_NO_LOCK") == "1":
        services.locking_enabled = lambda: False
