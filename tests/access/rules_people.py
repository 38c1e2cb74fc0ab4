"""Access rules for people (/people): coordinators merge and split the people of their programmes.

Other signed-in users get 403; a person or change outside the coordinator's programmes is "not found".
The data below is refused by the service (the same person twice; a split that leaves nobody a
registration), so no rule changes the shared world.
"""

from __future__ import annotations

from tests.access.matrix import Rule, expect

COORDINATORS = expect(403, coordinator=200, coordinator_b=200, admin=200, anonymous=302)
#: Person A is in network A's programme: coordinator B does not find them.
PERSON_A = expect(403, coordinator=422, coordinator_b=404, admin=422, anonymous=302)

RULES = [
    Rule("people.index", "GET", lambda w: {}, COORDINATORS),
    Rule("people.merge", "POST", lambda w: {}, PERSON_A,
         data=lambda w: {"keep": w.registration_a.person.id, "other": w.registration_a.person.id},
         note="the same person twice"),
    Rule("people.split", "POST", lambda w: {"person_id": w.registration_a.person.id}, PERSON_A,
         data=lambda w: {f"p{w.registration_a.person.id}-registrations": w.registration_a.id},
         note="their only registration"),
    Rule("people.undo", "POST", lambda w: {"change_id": 2_000_000}, expect(
        403, coordinator=404, coordinator_b=404, admin=404, anonymous=302), note="no such change"),
]
