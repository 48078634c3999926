"""Visit photos go through the one photo check of the project (core.uploads): content
verified, EXIF/GPS stripped by re-encoding, and a refused photo saves no visit."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from care.models import Visit, VisitPhoto
from care.services import visit_record


def jpeg_with_gps() -> SimpleUploadedFile:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (22.0, 45.0, 0.0), 4: (113.0, 56.0, 0.0)}  # GPSInfo: latitude, longitude
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("visit.jpg", buffer.getvalue(), "image/jpeg")


def test_a_visit_photo_is_stored_without_its_gps_metadata(care, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    household = care.households["paired"]
    upload = jpeg_with_gps()
    assert Image.open(io.BytesIO(upload.read())).getexif().get(0x8825)
    upload.seek(0)
    visit = visit_record(
        household=household,
        visitor=care.users.grid_worker,
        visited_on=datetime.date(2025, 3, 1),
        mode="in_person",
        photos=[upload],
    )
    photo = VisitPhoto.objects.get(visit=visit)
    with photo.image.open("rb") as stored:
        assert not Image.open(stored).getexif().get(0x8825)


def test_a_script_named_jpg_is_refused_and_no_visit_is_saved(care, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("photo.jpg", b"<?php echo 1; ?>", "image/jpeg")
    with pytest.raises(ValidationError):
        visit_record(
            household=care.households["paired"],
            visitor=care.users.grid_worker,
            visited_on=datetime.date(2025, 3, 1),
            mode="in_person",
            photos=[fake],
        )
    assert not Visit.objects.exists() and not VisitPhoto.objects.exists()
