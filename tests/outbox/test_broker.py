"""The SQLite broker (the default on one machine) when several processes declare its queue at once."""

from __future__ import annotations

import sqlite3

from kombu import Connection

from eventsapp.tasks import PolledSQLChannel


def test_a_queue_created_by_another_process_at_the_same_moment_is_read_again(tmp_path):
    """kombu checks for the queue's row and inserts it under a lock of its own process only: the
    row written by another process between the two made the insert fail (a traceback in gunicorn's
    log when four workers sent their first task at once)."""
    url = f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"
    with Connection(url) as warm:  # the broker's tables exist, as after the first task ever
        warm.default_channel.queue_declare("other")
    with Connection(url) as connection:
        channel = connection.default_channel
        assert isinstance(channel, PolledSQLChannel)
        session = channel.session
        add = session.add

        def add_after_another_process(obj):
            with sqlite3.connect(tmp_path / "broker.sqlite") as other:  # the other worker wins the race
                other.execute("INSERT INTO kombu_queue (name) VALUES ('celery')")
            add(obj)

        session.add = add_after_another_process
        queue = channel._get_or_create("celery")
        assert queue.name == "celery"
        session.add = add
        channel._put("celery", {"body": "a task"})
        assert channel._size("celery") == 1
