"""Signed tokens: valid only unaltered and for their own purpose."""

import pytest

from eventsapp.tokens import make_token, read_token


def test_token_round_trip_and_purpose_isolation(app):
    with app.app_context():
        token = make_token("booking", {"registration": 42})
        assert read_token("booking", token) == {"registration": 42}
        assert read_token("checkin", token) is None
        # A different character inside the signature (not its last one, whose low bits are padding).
        altered = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
        assert read_token("booking", altered) is None
        with pytest.raises(ValueError):
            make_token("anything", 1)
