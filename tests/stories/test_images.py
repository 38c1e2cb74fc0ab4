"""Photos are re-encoded by Pillow: EXIF (GPS, camera, author) is gone; oversize photos are refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from eventsapp.stories.images import PhotoError, reencode_photo
from tests.stories.test_views import story_form_data


def jpeg_with_exif(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Synthetic Camera Maker"  # Make
    exif[0x013B] = "Dr Fictional Photographer"  # Artist
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"secret comment")
    data = out.getvalue()
    assert Image.open(io.BytesIO(data)).getexif()  # the test photo really carries EXIF
    return data


def test_exif_and_comments_are_removed():
    original = jpeg_with_exif()
    clean, mime = reencode_photo(original, limit=1024 * 1024)
    assert mime == "image/jpeg"
    image = Image.open(io.BytesIO(clean))
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "comment" not in image.info
    assert b"Synthetic Camera Maker" not in clean and b"Fictional" not in clean
    assert image.size == (64, 48)


def test_a_transparent_png_stays_png():
    out = io.BytesIO()
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(out, format="PNG")
    assert reencode_photo(out.getvalue(), limit=10_000)[1] == "image/png"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"not an image at all", "could not be read as a photo"),
    (b"x" * 2000, "photos can be at most"),
])
def test_bad_uploads_are_refused_with_a_message(data, message):
    with pytest.raises(PhotoError, match=message):
        reencode_photo(data, limit=1000)


@pytest.mark.parametrize("app", [{"STORY_PHOTO_MAX_BYTES": 2048}], indirect=True)
def test_an_oversize_photo_comes_back_at_the_field(app, client, db, world, sign_in):
    sign_in(world.organiser)
    data = story_form_data(world, photo=(io.BytesIO(jpeg_with_exif((400, 400))), "big.jpg"),
                           photo_alt="A red square")
    response = client.post("/stories/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="photo-error"' in html
    assert "photos can be at most 2 KB" in html
    assert 'value="A story from the test"' in html  # the input comes back


def test_an_uploaded_photo_is_stored_clean_and_served(client, db, world, sign_in):
    from eventsapp.models import Story

    sign_in(world.organiser)
    data = story_form_data(world, photo=(io.BytesIO(jpeg_with_exif()), "exif.jpg"), photo_alt="A red square")
    assert client.post("/stories/new", data=data, content_type="multipart/form-data").status_code == 302
    story = db.session.scalars(db.select(Story)).one()
    served = client.get(f"/stories/{story.id}/photo")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert dict(Image.open(io.BytesIO(served.data)).getexif()) == {}
    assert b"Synthetic Camera Maker" not in served.data
    sign_in(None)
    assert client.get(f"/stories/{story.id}/photo").status_code == 404  # a draft's photo is not public


def test_a_photo_without_alt_text_is_refused(client, db, world, sign_in):
    sign_in(world.organiser)
    data = story_form_data(world, photo=(io.BytesIO(jpeg_with_exif()), "exif.jpg"), photo_alt="")
    response = client.post("/stories/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "alt text" in response.get_data(as_text=True)


def test_a_good_photo_on_a_form_that_comes_back_asks_to_be_chosen_again(client, db, world, sign_in):
    """A browser cannot re-send a chosen file: the form says so at the photo field instead of saving
    the story without it unannounced."""
    sign_in(world.organiser)
    data = story_form_data(world, photo=(io.BytesIO(jpeg_with_exif()), "exif.jpg"), photo_alt="A red square",
                           title="")
    response = client.post("/stories/new", data=data, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="photo-error"' in html and "Choose the photo again" in html
    assert 'value="A red square"' in html


def test_a_form_without_a_photo_does_not_ask_for_one(client, db, world, sign_in):
    sign_in(world.organiser)
    response = client.post("/stories/new", data=story_form_data(world, title=""))
    assert response.status_code == 400
    assert "Choose the photo again" not in response.get_data(as_text=True)
