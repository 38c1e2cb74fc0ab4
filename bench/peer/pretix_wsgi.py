"""pretix's WSGI application plus ``/bench/hello`` (a Django hello-world behind pretix's middleware).

Served by :class:`bench.peer.pretix.PretixServer` in pretix's own Python; never imported by eventsapp.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")

from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from pretix.wsgi import application  # noqa: E402,F401  (sets Django up)


def bench_hello(_request):
    return HttpResponse("Hello, world!", content_type="text/plain")


def _add_hello() -> None:
    from pretix.multidomain import maindomain_urlconf

    maindomain_urlconf.urlpatterns.insert(0, path("bench/hello", bench_hello, name="bench-hello"))


_add_hello()
