"""Subject access: export-person lists every registration, answer, consent and email of the fixture."""

from __future__ import annotations

import json
from pathlib import Path

from eventsapp.mail import build_message
from eventsapp.outbox import enqueue
from eventsapp.timeutil import format_local
from tests.privacy.conftest import World

EMAIL = "Siobhan.ONeill-Wojcik@Example.org"


def test_export_person_lists_everything_held(app, db, world: World, runner, tmp_path):
    enqueue(build_message(f"Siobhán <{EMAIL}>", "Your place is confirmed", "Booked."))
    enqueue(build_message(EMAIL.lower(), "Reminder: tomorrow", "See you."))
    enqueue(build_message("someone.else@example.org", "Not theirs", "x"))
    db.session.commit()
    output = tmp_path / "siobhan.json"
    result = runner.invoke(args=["export-person", EMAIL.upper(), "--output", str(output)])
    assert result.exit_code == 0, result.output
    data = json.loads(output.read_text())
    assert data["person"]["first_name"] == "Siobhán" and data["person"]["email"] == EMAIL
    registrations = data["registrations"]
    assert [r["event"]["id"] for r in registrations] == [e.id for e in world.events]
    assert [r["event"]["title"] for r in registrations] == [e.title for e in world.events]
    assert [r["attendance"] is not None for r in registrations] == [True, True, False]
    assert all(r["access_requirements"] == "Step-free access for Siobhán" for r in registrations)
    assert all(r["job_title"] == "Neighbourhood Sergeant" and r["organisation"] == "Northshire Police"
               for r in registrations)
    consents = registrations[0]["consents"]
    assert consents["privacy_notice_version"] == "v1" and consents["may_email_about_future_events"] is True
    assert consents["privacy_notice_agreed_at"] == world.target_registrations[0].consent_privacy_at.isoformat() + "Z"
    assert registrations[0]["answers"] == [{"question": "How did you hear about us?", "answer": "Colleague"}]
    assert [r["answers"] for r in registrations[1:]] == [[], []]
    assert registrations[0]["equality_monitoring"]["ethnicity"] == "Any other ethnic group"
    assert registrations[0]["equality_monitoring"]["gender"] == "Woman"
    assert registrations[1]["equality_monitoring"] is None
    assert sorted(m["subject"] for m in data["emails"]) == ["Reminder: tomorrow", "Your place is confirmed"]
    summary = output.with_suffix(".txt").read_text()
    for event in world.events:
        assert event.title in summary
    assert "Step-free access for Siobhán" in summary and "Your place is confirmed" in summary
    assert "How did you hear about us?: Colleague" in summary
    assert "Attended: no" in summary and summary.count("Attended: yes") == 2


def test_export_person_for_an_unknown_address_fails(runner, db, tmp_path):
    result = runner.invoke(args=["export-person", "nobody@example.org", "--output", str(tmp_path / "x.json")])
    assert result.exit_code != 0 and not Path(tmp_path / "x.json").exists()


def test_export_person_lists_the_files_an_account_asked_for(app, db, world: World, runner, tmp_path):
    from eventsapp.files import jobs
    from tests import factories

    user = factories.make_user(role="coordinator", organisation=world.programme.coordinator_organisation,
                               email="kirsty.coordinator@example.org")
    db.session.commit()
    jobs.create("programme_export", user, programme_id=world.programme.id, title="Export of the programme")
    output = tmp_path / "kirsty.json"
    result = runner.invoke(args=["export-person", "kirsty.coordinator@example.org", "--output", str(output)])
    assert result.exit_code == 0, result.output
    files = json.loads(output.read_text())["account"]["files_prepared"]
    assert [(f["what"], f["state"]) for f in files] == [("Export of the programme", "done")]
    assert "You asked for Export of the programme" in output.with_suffix(".txt").read_text()


def test_export_person_says_whether_they_unsubscribed_from_programme_wide_messages(db, world: World, runner,
                                                                                  tmp_path):
    from sqlalchemy import select

    from eventsapp.messages.services import unsubscribe_from_network
    from eventsapp.models import NetworkUnsubscribe

    assert unsubscribe_from_network(world.others[0].person_id)  # someone else's unsubscribe is not theirs
    db.session.commit()
    output = tmp_path / "before.json"
    assert runner.invoke(args=["export-person", EMAIL, "--output", str(output)]).exit_code == 0
    assert json.loads(output.read_text())["network_messages"] == "not unsubscribed"
    assert "Programme-wide messages: you have not unsubscribed" in output.with_suffix(".txt").read_text()

    assert unsubscribe_from_network(world.target.id)
    db.session.commit()
    at = db.session.scalar(select(NetworkUnsubscribe.created_at).where(
        NetworkUnsubscribe.person_id == world.target.id)).isoformat(timespec="seconds") + "Z"
    output = tmp_path / "after.json"
    assert runner.invoke(args=["export-person", EMAIL, "--output", str(output)]).exit_code == 0
    assert json.loads(output.read_text())["network_messages"] == f"unsubscribed {at}"
    # the summary shows the time as the site shows times; the JSON keeps ISO 8601
    assert (f"Programme-wide messages: you asked for no more (one-click unsubscribe) on {format_local(at)}; "
            "none is sent to you." in output.with_suffix(".txt").read_text())
