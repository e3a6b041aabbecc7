"""Photo decoding bounded (issue 13): pixels from the header, memory per decode, decodes at once."""

import io
import struct
import threading
import time
import warnings
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageChops, ImageFile

from roundtable.common import photos
from roundtable.common.photos import clean_photo


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def encoded(image, fmt="JPEG"):
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def upload(data, name="photo.jpg"):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def png_claiming(width, height, mode="RGB"):
    """A tiny PNG whose header claims the given size: what is refused must be refused unread."""
    data = bytearray(encoded(Image.new(mode, (1, 1)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any pixel is decoded."""

    def load(self):
        raise AssertionError("decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def refusal(upload_file):
    with pytest.raises(ValidationError) as refused:
        clean_photo(upload_file)
    (error,) = refused.value.error_list
    return error.code, error.message % error.params


def test_png_of_8300_by_8400_is_refused_from_its_header_as_over_50_megapixels(no_decoding):
    code, message = refusal(upload(png_claiming(8300, 8400), name="legal.png"))
    assert code == "too_many_pixels"
    assert message == (
        "“legal.png” has too many pixels (over 50 megapixels). Please choose a smaller photo."
    )


def test_a_50_megapixel_phone_photo_is_within_the_limit():
    assert 8160 * 6120 <= photos.MAX_PHOTO_PIXELS < 8300 * 8400


def test_pillows_own_bomb_guard_is_the_same_limit_and_its_warning_a_refusal():
    assert Image.MAX_IMAGE_PIXELS == photos.MAX_PHOTO_PIXELS
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, _message = refusal(upload(png_claiming(9000, 9000), name="bomb.png"))
    assert code == "too_many_pixels"
    assert not [w for w in caught if issubclass(w.category, Image.DecompressionBombWarning)]


def test_png_too_large_to_decode_within_the_memory_budget_is_refused_unread(no_decoding):
    # 4,000 × 4,000 RGB pixels: 64 MB decoded, for a file of a few hundred bytes.
    code, message = refusal(upload(png_claiming(4000, 4000), name="scan.png"))
    assert code == "too_large_to_decode"
    assert message == (
        "“scan.png” is too large to read in this format. "
        "Please send it as a JPEG photo, or choose a smaller image."
    )


@pytest.mark.parametrize(
    ("mode", "side", "accepted"),
    [("L", 5000, True), ("RGB", 2800, True), ("RGBA", 2800, True), ("RGB", 2900, False)],
)
def test_the_budget_counts_the_memory_of_each_mode(mode, side, accepted):
    # Pillow holds 1 byte a pixel in mode L, 4 in RGB and RGBA: 25, 31 and 34 MB against 32 MB
    image = Image.open(io.BytesIO(png_claiming(side, side, mode)))
    assert (photos._bytes_held(image.mode, image.size) <= photos.MAX_DECODE_BYTES) is accepted


def test_a_12_mp_phone_photo_decodes_at_half_scale_and_keeps_2016_pixels():
    photo = clean_photo(upload(encoded(Image.new("RGB", (4032, 3024), "teal"))))
    assert (photo.width, photo.height) == (2016, 1512)


def test_jpeg_over_the_budget_is_decoded_at_a_smaller_scale_not_refused(monkeypatch):
    monkeypatch.setattr(photos, "MAX_DECODE_BYTES", 4 * 1000 * 750)
    photo = clean_photo(upload(encoded(Image.new("RGB", (2000, 1500), "teal"))))
    assert (photo.width, photo.height) == (1000, 750)


def test_jpeg_within_the_budget_decodes_at_the_scale_that_fills_2048():
    image = Image.open(io.BytesIO(encoded(Image.new("RGB", (6000, 4500), "teal"))))
    photos._scale_down_while_decoding(image)
    assert image.size == (3000, 2250)  # libjpeg's 1/2 scale (27 MB), then resampled to 2048


def test_a_50_mp_jpeg_decodes_at_a_quarter_scale():
    image = Image.open(io.BytesIO(encoded(Image.new("RGB", (8160, 6120), "teal"))))
    photos._scale_down_while_decoding(image)
    assert image.size == (2040, 1530)


def test_decodes_in_one_process_run_one_at_a_time(monkeypatch):
    running, most = [0], [0]
    lock = threading.Lock()
    decode = photos._decoded

    def slow_decode(uploaded_file):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.05)
        try:
            return decode(uploaded_file)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(photos, "_decoded", slow_decode)
    data = encoded(Image.new("RGB", (64, 48), "red"))
    threads = [threading.Thread(target=clean_photo, args=(upload(data),)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == photos.DECODES_AT_ONCE == 1


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L"])
def test_resampling_by_bands_gives_the_whole_resize_and_frees_the_source(mode):
    image = Image.effect_noise((3000, 1400), 64).convert(mode)
    whole = image.resize((2048, 956), Image.Resampling.LANCZOS)
    shrunk = photos._shrunk(image)
    assert shrunk.size == whole.size and shrunk.mode == mode
    # the same up to rounding: a band's box may start between two rows of the source
    assert max(ImageChops.difference(shrunk, whole).tobytes()) <= 2
    with pytest.raises(ValueError):
        image.load()  # closed: its pixels are freed before the photo is turned and flattened
