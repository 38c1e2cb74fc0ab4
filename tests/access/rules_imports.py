"""Access rules for imports (/imports): upload, jobs, sector synonyms, programme export.

A job belongs to the user who uploaded it (organiser A here): anyone else gets a
uniform 404. Door volunteers cannot import (403); sector synonyms are seen by
coordinators and changed by the site administrator only (403 for other signed-in
users); a programme's export is for its coordinators (404 for everyone else).
"""

from __future__ import annotations

import io

from tests.access.matrix import Rule, expect

JOB_ID = "matrix-job-of-organiser-a"
JOB = lambda w: {"job_id": JOB_ID}  # noqa: E731
MISSING_JOB = lambda w: {"job_id": "no-such-job-0000000000"}  # noqa: E731
NOTHING = lambda w: {}  # noqa: E731
#: A job is its uploader's alone, even for the administrator.
JOB_OWNER = expect(404, organiser_a=200, anonymous=302, admin=404)
JOB_OWNER_POST = expect(404, organiser_a=302, anonymous=302, admin=404)
NOBODY = expect(404, anonymous=302)
#: The administrator belongs to no organisation, so has nothing to import into.
IMPORTERS = expect(200, door_a=403, anonymous=302, admin=403)
#: Sector synonyms are shared by every network's imports: any coordinator sees them...
COORDINATORS = expect(403, coordinator=200, coordinator_b=200, anonymous=302, admin=200)
#: ...and only the site administrator changes them (a change moves every network's sector figures).
ADMINISTRATOR = expect(403, anonymous=302, admin=302)


def extend_world(world) -> None:
    import io

    from werkzeug.datastructures import FileStorage

    from eventsapp.extensions import db
    from eventsapp.imports import jobs
    from eventsapp.imports.services import add_sector_synonym
    from eventsapp.imports.summary import ImportTarget
    from tests import factories

    db.session.commit()
    jobs.discard(JOB_ID)
    upload = FileStorage(io.BytesIO(b"Name,Email,Attended\nMo Matrix,mo@example.org,yes\n"), filename="list.csv")
    jobs.create(upload, world.users["organiser_a"].id, ImportTarget(event_id=world.event_a.id), job_id=JOB_ID)
    world.synonym_id = add_sector_synonym("Matrix phrase", factories.sector("police")).id


RULES = [
    Rule("imports.start", "GET", NOTHING, IMPORTERS),
    # Without a file the form comes back (422) to those who may import.
    Rule("imports.start", "POST", NOTHING, expect(422, door_a=403, anonymous=302, admin=403),
         data=lambda w: {"destination": f"event:{w.event_a.id}"}),
    Rule("imports.job", "GET", JOB, JOB_OWNER, note="own job"),
    Rule("imports.job", "GET", MISSING_JOB, NOBODY, note="no such job"),
    Rule("imports.progress", "GET", JOB, JOB_OWNER, note="own job"),
    Rule("imports.progress", "GET", MISSING_JOB, NOBODY, note="no such job"),
    Rule("imports.columns", "POST", JOB, JOB_OWNER_POST,
         data=lambda w: {"column_0": "full_name", "column_1": "email", "column_2": "attended"}),
    Rule("imports.events", "POST", JOB, expect(404, organiser_a=409, anonymous=302, admin=404),
         data=lambda w: {"event_0_region": "TLJ", "event_0_host": "Host", "event_0_start": "10:00"},
         note="the job names no new events"),
    Rule("imports.restore", "GET", NOTHING, expect(403, anonymous=302, admin=200)),
    Rule("imports.restore", "POST", NOTHING, expect(403, anonymous=302, admin=422), note="no file"),
    Rule("imports.restore", "POST", NOTHING, expect(403, anonymous=302, admin=302),
         data=lambda w: {"file": (io.BytesIO(b"not a zip"), "export.zip")},
         note="a file: a restore job (it fails on the job's page)"),
    Rule("imports.confirm", "POST", JOB, JOB_OWNER_POST),
    Rule("imports.discard", "POST", JOB, JOB_OWNER_POST),
    Rule("imports.synonyms", "GET", NOTHING, COORDINATORS),
    Rule("imports.synonyms", "POST", NOTHING, ADMINISTRATOR, data=lambda w: {"phrase": "Bobbies", "sector": "police"}),
    Rule("imports.delete_synonym", "POST", lambda w: {"synonym_id": w.synonym_id}, ADMINISTRATOR),
    # Starts an export job and goes to its page (eventsapp.files; rules_files.py).
    Rule("imports.export", "POST", lambda w: {"slug": w.programme.slug}, expect(404, coordinator=302, anonymous=302)),
    Rule("imports.export", "POST", lambda w: {"slug": w.programme_b.slug},
         expect(404, coordinator_b=302, admin=302, anonymous=302), note="network B"),
]
