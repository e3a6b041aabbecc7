"""Photo uploads: refused by content, size and count; stored without location, upright and small."""

import io
import struct
import zlib
from pathlib import Path

import pytest
import time_machine
from django import forms
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from PIL import ExifTags, Image

from roundtable.common import photos
from roundtable.common.photos import (
    MAX_PHOTO_BYTES,
    CleanPhoto,
    PhotosField,
    clean_photo,
    delete_photo,
    save_photo,
    strip_and_resize,
)


class PhotosForm(forms.Form):
    photos = PhotosField()


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def encoded(image, fmt="JPEG", **options):
    """The image saved to bytes in the given format."""
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def noisy(size=(256, 256)):
    """An RGB image of random pixels, so its JPEG has plenty of data to truncate."""
    return Image.effect_noise(size, 64).convert("RGB")


def gps_exif(orientation=None):
    """EXIF with a camera model, a GPS position in Beijing and optionally an orientation."""
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = "Resident Phone"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (39.0, 54.0, 26.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (116.0, 23.0, 29.0),
    }
    return exif


def png_claiming(width, height):
    """A tiny PNG whose header claims the given size, as a decompression bomb does."""
    data = bytearray(encoded(Image.new("L", (1, 1)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def reopened(content_file):
    content_file.seek(0)
    image = Image.open(io.BytesIO(content_file.read()))
    image.load()
    return image


def messages(error):
    return [str(message) for message in error.messages]


# --- what comes out ---------------------------------------------------------------------------


def test_gps_exif_is_stripped_from_photo_and_thumbnail():
    original = encoded(noisy(), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    photo = clean_photo(upload(original))

    for content in (photo.file, photo.thumbnail):
        content.seek(0)
        data = content.read()
        assert not Image.open(io.BytesIO(data)).getexif()
        assert b"Exif" not in data and b"GPS" not in data and b"Resident Phone" not in data


def test_jpeg_comment_icc_and_xmp_are_not_carried_over():
    original = encoded(noisy(), comment=b"Building 3, Unit 2", icc_profile=b"\0" * 128)
    photo = clean_photo(upload(original))
    out = reopened(photo.file)
    assert "comment" not in out.info and "icc_profile" not in out.info and "xmp" not in out.info


def test_exif_orientation_is_applied():
    original = encoded(Image.new("RGB", (200, 100), "red"), exif=gps_exif(orientation=6))
    photo = clean_photo(upload(original))
    assert (photo.width, photo.height) == (100, 200)
    assert reopened(photo.file).size == (100, 200)


def test_png_transparency_is_flattened_on_white():
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    image.paste((0, 0, 255, 255), (0, 0, 32, 64))
    photo = clean_photo(upload(encoded(image, "PNG"), name="drawing.png"))
    out = reopened(photo.file)
    assert out.format == "JPEG" and out.mode == "RGB"
    assert all(channel > 245 for channel in out.getpixel((60, 32)))
    red, green, blue = out.getpixel((4, 32))
    assert blue > 200 and red < 40 and green < 40


def test_large_photo_is_downscaled_to_2048_with_a_480_thumbnail():
    photo = clean_photo(upload(encoded(noisy((3000, 2250)))))
    assert (photo.width, photo.height) == (2048, 1536)
    assert reopened(photo.file).size == (2048, 1536)
    assert reopened(photo.thumbnail).size == (480, 360)


def test_48_mp_phone_photo_spooled_to_disk_is_accepted():
    data = encoded(Image.new("RGB", (8000, 6000), "teal"))
    spooled = TemporaryUploadedFile("IMG_0001.jpg", "image/jpeg", len(data), None)
    spooled.write(data)
    photo = clean_photo(spooled)
    assert (photo.width, photo.height) == (2000, 1500)  # decoded at 1/4 scale: photos.py says why


def test_small_photo_is_not_enlarged():
    photo = clean_photo(upload(encoded(noisy((300, 200)))))
    assert (photo.width, photo.height) == (300, 200)


def test_files_get_random_jpg_names():
    first = clean_photo(upload(encoded(noisy()), name="张三家门口.jpg"))
    second = clean_photo(upload(encoded(noisy()), name="张三家门口.jpg"))
    names = {first.file.name, first.thumbnail.name, second.file.name, second.thumbnail.name}
    assert len(names) == 4
    assert all(len(name) == 36 and name.endswith(".jpg") for name in names)


@pytest.mark.parametrize(
    ("fmt", "mode", "name"),
    [
        ("WEBP", "RGB", "a.webp"),
        ("GIF", "P", "a.gif"),
        ("PNG", "L", "a.png"),
        ("JPEG", "CMYK", "a"),
    ],
)
def test_other_readable_formats_are_accepted(fmt, mode, name):
    photo = clean_photo(upload(encoded(Image.new(mode, (40, 30)), fmt), name=name))
    assert isinstance(photo, CleanPhoto)
    assert reopened(photo.file).format == "JPEG"


def test_animated_gif_keeps_its_first_frame():
    frames = [Image.new("RGB", (20, 20), colour) for colour in ("red", "blue")]
    data = encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    red, green, blue = reopened(clean_photo(upload(data, name="a.gif")).file).getpixel((10, 10))
    assert red > 200 and blue < 60


def test_mpo_from_a_phone_keeps_its_first_picture():
    pictures = [Image.new("RGB", (40, 30), "green"), Image.new("RGB", (40, 30), "blue")]
    data = encoded(pictures[0], "MPO", save_all=True, append_images=pictures[1:])
    assert Image.open(io.BytesIO(data)).format == "MPO"
    out = reopened(clean_photo(upload(data)).file)
    assert out.size == (40, 30) and out.format == "JPEG"


def test_strip_and_resize_returns_an_image_with_no_info():
    image = Image.open(io.BytesIO(encoded(noisy((3000, 1000)), exif=gps_exif(), comment=b"x")))
    out = strip_and_resize(image)
    assert out.size == (2048, 683) and out.mode == "RGB"
    assert out.info == {} and not out.getexif()


# --- what is refused --------------------------------------------------------------------------


def test_text_file_named_jpg_is_refused():
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload(b"Not a photo, just some text.\n" * 50, name="photo.jpg"))
    assert messages(refused.value) == [
        "“photo.jpg” is not a photo. Please choose a JPEG, PNG, WebP or GIF image."
    ]


def test_other_image_formats_are_refused_as_not_a_photo():
    bmp = encoded(Image.new("RGB", (10, 10)), "BMP")
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload(bmp, name="scan.bmp"))
    assert refused.value.error_list[0].code == "not_image"


def test_truncated_jpeg_is_refused():
    data = encoded(noisy())
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload(data[: len(data) // 2]))
    assert messages(refused.value) == [
        "“photo.jpg” could not be read completely; it may be damaged. "
        "Please choose it again or take a new photo."
    ]


def test_png_with_a_broken_checksum_is_refused():
    data = bytearray(encoded(noisy(), "PNG"))
    data[-20] ^= 0xFF  # inside the last IDAT chunk
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload(bytes(data), name="a.png"))
    assert refused.value.error_list[0].code == "damaged"


def test_decompression_bomb_is_refused_before_decoding():
    bomb = encoded(Image.new("1", (9000, 9000)), "PNG")  # 81 MP that compress to a few kB
    assert len(bomb) < 100_000
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload(bomb, name="bomb.png"))
    assert messages(refused.value) == [
        "“bomb.png” has too many pixels (over 50 megapixels). Please choose a smaller photo."
    ]


def test_header_claiming_a_gigapixel_is_refused():
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload(png_claiming(40_000, 40_000), name="bomb.png"))
    assert refused.value.error_list[0].code == "too_many_pixels"


def test_file_over_10_mb_is_refused_naming_it():
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload(b"\xff" * (11 * 1024 * 1024), name="big.jpg"))
    assert messages(refused.value) == [
        "“big.jpg” is larger than 10 MB. Please choose a smaller photo."
    ]


def test_file_of_exactly_10_mb_is_judged_by_content():
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload(b"\0" * MAX_PHOTO_BYTES))
    assert refused.value.error_list[0].code == "not_image"


# --- the form field ---------------------------------------------------------------------------


def bound(*uploads, field=None):
    form_class = PhotosForm if field is None else type("F", (forms.Form,), {"photos": field})
    return form_class(data={}, files=MultiValueDict({"photos": list(uploads)}))


def test_form_cleans_to_a_list_of_clean_photos():
    form = bound(upload(encoded(noisy())), upload(encoded(noisy()), name="b.jpg"))
    assert form.is_valid(), form.errors
    assert [type(photo) for photo in form.cleaned_data["photos"]] == [CleanPhoto, CleanPhoto]


def test_form_without_photos_is_valid_by_default():
    form = PhotosForm(data={}, files=MultiValueDict())
    assert form.is_valid()
    assert form.cleaned_data["photos"] == []


def test_required_field_refuses_no_photos():
    form = bound(field=PhotosField(required=True))
    assert not form.is_valid()
    assert form.errors["photos"] == ["This field is required."]


def test_seven_photos_are_refused():
    form = bound(*[upload(encoded(noisy((20, 20))), name=f"{n}.jpg") for n in range(7)])
    assert not form.is_valid()
    assert form.errors["photos"] == ["You can attach at most 6 photos; you chose 7."]


def test_max_count_is_adjustable_and_singular_reads_well():
    form = bound(upload(b"a"), upload(b"b"), field=PhotosField(max_count=1))
    assert form.errors["photos"] == ["You can attach at most 1 photo; you chose 2."]


def test_every_refused_file_is_named_and_nothing_is_kept():
    form = bound(
        upload(encoded(noisy())),
        upload(b"hello", name="notes.jpg"),
        upload(b"\0" * (11 * 1024 * 1024), name="huge.jpg"),
    )
    assert not form.is_valid()
    assert form.errors["photos"] == [
        "“notes.jpg” is not a photo. Please choose a JPEG, PNG, WebP or GIF image.",
        "“huge.jpg” is larger than 10 MB. Please choose a smaller photo.",
    ]
    assert "photos" not in form.cleaned_data


def test_widget_picks_many_images_from_the_gallery():
    html = str(PhotosForm()["photos"])
    assert 'type="file"' in html and "multiple" in html and 'accept="image/*"' in html
    assert "capture" not in html and "required" not in html


# --- storage ----------------------------------------------------------------------------------


@time_machine.travel("2026-03-31 20:00 +00:00", tick=False)
def test_save_photo_stores_both_files_by_local_month(settings):
    photo = clean_photo(upload(encoded(noisy())))
    path, thumb_path = save_photo(photo, folder="suggestions")
    # 20:00 UTC on 31 March is already 1 April in Shanghai.
    assert path == f"suggestions/2026/04/{photo.file.name}"
    assert thumb_path == f"suggestions/2026/04/{photo.thumbnail.name}"
    media = Path(settings.MEDIA_ROOT)
    assert Image.open(media / path).size == (256, 256)
    assert Image.open(media / thumb_path).size == (256, 256)

    delete_photo(path, thumb_path)
    assert not (media / path).exists() and not (media / thumb_path).exists()


def test_save_photo_leaves_nothing_when_the_thumbnail_fails(settings, monkeypatch):
    photo = clean_photo(upload(encoded(noisy())))

    class DiskFullOnThumbnail(FileSystemStorage):
        def save(self, name, content, **kwargs):
            if name.endswith(photo.thumbnail.name):
                raise OSError("disk full")
            return super().save(name, content, **kwargs)

    monkeypatch.setattr(photos, "default_storage", DiskFullOnThumbnail())
    with pytest.raises(OSError):
        save_photo(photo, folder="suggestions")
    assert not any(p.is_file() for p in Path(settings.MEDIA_ROOT).rglob("*"))
