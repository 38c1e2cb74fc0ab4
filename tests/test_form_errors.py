"""Form errors the same way on every page (walkthrough findings 11, 12 and 29).

- the error summary of ``templates/_partials/_form.html`` links to each field in error, by its id;
- any page that shows a form with errors has a title starting "Error: " (once), whatever its form;
- WTForms' default "This field is required." / "Field cannot be longer than …" name the field (and say
  what to do: enter, choose, tick), and a length says the limit and how long the entry was
  (:class:`eventsapp.forms.BaseForm`);
- the survey questions page (one form per question) shows the summary of the form that was sent.
"""

from __future__ import annotations

import re

import pytest
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from eventsapp.forms import BaseForm
from tests import factories
from tests.network.conftest import make_profile


def title_of(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def summary_links(html: str) -> dict[str, str]:
    """href -> text of the links in the page's error summary."""
    summary = re.search(r'<div class="alert alert-danger" role="alert" id="error-summary" tabindex="-1">(.*?)</div>',
                        html, re.S)
    assert summary, "no error summary"
    return {href: " ".join(text.split()) for href, text in re.findall(r'<a href="([^"]*)"[^>]*>(.*?)</a>', summary.group(1), re.S)}


class _Form(BaseForm):
    class Meta:
        csrf = False

    name = StringField("Name of the group", validators=[DataRequired(), Length(max=10)])
    area = StringField("Area:", validators=[Optional(), Length(min=3, max=5)])
    code = StringField("Code", validators=[Optional(), Length(min=4)])
    own = StringField("Own", validators=[DataRequired("Give it a name of your own."), Length(max=2, message="Too long.")])
    kind = SelectField("Kind", choices=[SelectChoice("", "Choose"), SelectChoice("a", "A")], validators=[InputRequired()])
    agree = BooleanField("I agree", validators=[DataRequired()])


@pytest.mark.parametrize(("data", "expected"), [
    ({"area": "abc", "code": "abcd", "own": "x", "kind": "a", "agree": "y"}, {"name": ["Enter “Name of the group”."]}),
    ({"name": "x" * 11, "area": "abc", "code": "abcd", "own": "x", "kind": "a", "agree": "y"},
     {"name": ["“Name of the group” must be 10 characters or fewer: you entered 11."]}),
    ({"name": "ok", "area": "abcdef", "code": "a", "own": "x", "kind": "a", "agree": "y"},
     {"area": ["“Area” must be between 3 and 5 characters: you entered 6."],
      "code": ["“Code” must be at least 4 characters: you entered 1."]}),
    ({"name": "ok", "own": "x"}, {"kind": ["Choose “Kind”."], "agree": ["Tick “I agree”."]}),
    ({"name": "ok", "own": "", "kind": "a", "agree": "y"}, {"own": ["Give it a name of your own."]}),  # its own stays
    ({"name": "ok", "own": "xyz", "kind": "a", "agree": "y"}, {"own": ["Too long."]}),
])
def test_default_messages_name_the_field_and_the_limit(app, data, expected):
    from werkzeug.datastructures import MultiDict

    with app.test_request_context():
        form = _Form(formdata=MultiDict(data))
        assert not form.validate()
        assert form.errors == expected


def test_a_network_form_has_a_linked_summary_and_an_error_title(client, db):
    profile = make_profile()
    response = client.post(f"/network/{profile.slug}/contact", data={"name": "", "email": "", "message": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert title_of(html).startswith("Error: ")
    links = summary_links(html)
    assert set(links) == {"#name", "#email", "#message"}
    assert all(f'id="{href[1:]}"' in html for href in links)  # each link goes to its field
    assert "see the marked fields below" not in html


def test_a_render_form_page_has_the_summary_and_says_error_once(client, db, login_as):
    login_as("organiser")
    response = client.post("/auth/password/change", data={})
    html = response.get_data(as_text=True)
    assert title_of(html).startswith("Error: Change password")
    assert "Error: Error:" not in html
    links = summary_links(html)
    assert links["#current_password"] == "Current password: Enter “Current password”."
    assert "This field is required." not in html


def test_a_page_that_says_error_itself_says_it_once(client, db):
    event = factories.make_event()
    html = client.post(f"/events/{event.id}/register", data={}).get_data(as_text=True)
    assert title_of(html).startswith("Error: Register for")
    assert "Error: Error:" not in html


def test_a_page_without_errors_has_no_error_title(client, db):
    profile = make_profile()
    html = client.get(f"/network/{profile.slug}/contact").get_data(as_text=True)
    assert not title_of(html).startswith("Error")
    assert 'id="error-summary"' not in html


def test_the_survey_questions_page_sums_up_the_form_that_was_sent(db, client, login_as):
    programme = factories.make_programme()
    coordinator_org = factories.make_organisation()
    programme.coordinator_organisation_id = coordinator_org.id
    db.session.commit()
    login_as("coordinator", coordinator_org)
    url = f"/surveys/programmes/{programme.slug}/questions"
    response = client.post(f"{url}/defaults/2", data={"d2-label": "x" * 301})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert title_of(html).startswith("Error: ")
    assert summary_links(html) == {"#d2-label": "Question: “Question” must be 300 characters or fewer: you entered 301."}
    assert 'id="d2-label"' in html
