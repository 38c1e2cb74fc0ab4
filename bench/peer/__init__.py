"""Peers measured side by side with eventsapp (B10): pretix's shop front page against our event page.

Optional: nothing here is installed with eventsapp, and ``make bench`` skips B10 with one line
saying how to install pretix when it is absent (see :mod:`bench.peer.pretix`).
"""
