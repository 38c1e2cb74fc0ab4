"""Names and emails resolve to one organisation and one person."""

from eventsapp.directory import find_or_create_person, resolve_organisation
from eventsapp.models import OrganisationAlias


def test_spelling_variants_resolve_to_one_organisation(db):
    first, created = resolve_organisation("Thames Valley Police")
    assert created
    for variant in ("thames valley police ", "Thames Valley Police.", "The Thames Valley Police"):
        again, created = resolve_organisation(variant)
        assert again is first and not created
    assert resolve_organisation("   ") == (None, False)


def test_a_merged_name_resolves_to_the_survivor_through_its_alias(db, make_organisation):
    survivor = make_organisation("Bristol Youth Offending Team")
    merged = make_organisation("Bristol YOT")
    merged.merged_into = survivor
    survivor.aliases.append(OrganisationAlias(name="Bristol YOT", normalised_key="bristol yot"))
    db.session.commit()
    assert resolve_organisation("bristol yot")[0] is survivor


def test_people_are_matched_by_email_case_insensitively(db):
    person = find_or_create_person("Łukasz", "Wójcik", "Lukasz.Wojcik@Example.org")
    same = find_or_create_person("Łukasz", "Wójcik", "lukasz.wojcik@example.org ")
    assert same is person
    # Another name with the same address never renames the person (issue #13, finding 2).
    assert find_or_create_person("Mallory", "Stranger", "LUKASZ.wojcik@example.org") is person
    assert person.full_name == "Łukasz Wójcik"
    assert find_or_create_person("Anon", "Walk-in", None) is not find_or_create_person("Anon", "Walk-in", None)
