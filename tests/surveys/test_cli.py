"""``flask send-surveys``: the same rule as beat's task, and never twice."""

from __future__ import annotations

from tests import factories


def test_send_surveys_command_sends_once(app, db, runner, smtp, ended_event):
    came = factories.make_registration(event=ended_event, attended=True)
    factories.make_registration(event=ended_event)  # a no-show
    first = runner.invoke(args=["send-surveys"])
    assert first.exit_code == 0 and "Sent 1 survey email." in first.output
    second = runner.invoke(args=["send-surveys", "--days", "30"])
    assert second.exit_code == 0 and "Sent 0 survey emails." in second.output
    assert len(smtp.messages) == 1 and smtp.to(came.person.email)
