"""Photo uploads shared by every feature: checked by content, stripped of metadata, resized, stored.

Residents photograph their own homes, so a stored photo must never carry the phone's location
(DOMAIN.md §7): every photo is decoded and re-encoded from its pixels alone, never copied.
"""

import io
import math
import threading
import uuid
import warnings
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 6
# What a phone camera makes (a 50 MP sensor: 8160 × 6120), read from the header before any pixel
# is decoded; a decompression bomb claims far more. Pillow's own guard is set to the same figure
# (it warns above it and refuses above twice it), and its warning is refused as well.
MAX_PHOTO_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS
# Memory one decode may hold at its peak (issue 13: a legal 8300 × 8400 PNG took ~900 MB and
# 3.8 s), so a gunicorn worker (about 80 MB) stays under 150 MB with the smaller copy and the
# encoding: a JPEG decodes at 1/2, 1/4 or 1/8 of its size (50 MP at 1/4, 12 MP at 1/2), other
# formats only whole, so a PNG, WebP or GIF has at most 8 MP (bench/photos.py measures it).
MAX_DECODE_BYTES = 32_000_000
# Decodes running at once in one process (threads of a server, of a task worker): each may hold
# MAX_DECODE_BYTES, so a second waits for the first instead of doubling the peak.
DECODES_AT_ONCE = 1
_decoding = threading.BoundedSemaphore(DECODES_AT_ONCE)
MAX_SIDE = 2048
BAND_ROWS = 128  # rows of the smaller photo resampled at a time
LANCZOS_SUPPORT = 3  # Pillow's Lanczos filter reads 3 pixels each side, in the smaller photo
THUMB_SIDE = 480
JPEG_QUALITY = 85
# Only these decoders ever see an upload (a JPEG may open as MPO, a phone's multi-picture file):
# rarer formats such as EPS, which runs Ghostscript, are refused as "not a photo".
READ_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
SCALED_FORMATS = ("JPEG", "MPO")  # decoders that can skip pixels (libjpeg's DCT scaling)


@dataclass(frozen=True)
class CleanPhoto:
    """A photo ready to store: a metadata-free JPEG, its thumbnail, and its size in pixels."""

    file: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def clean_photo(uploaded_file):
    """Check one upload by content; return it re-encoded without metadata, plus a thumbnail."""
    if uploaded_file.size > MAX_PHOTO_BYTES:
        raise _refusal("too_large", uploaded_file.name)
    with _decoding:  # the decode and its resized copies: one at a time in a process
        photo = _upright_and_clean(_decoded(uploaded_file), uploaded_file.name)
    thumbnail = photo.copy()
    thumbnail.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return CleanPhoto(
        file=_as_jpeg(photo), thumbnail=_as_jpeg(thumbnail), width=photo.width, height=photo.height
    )


def strip_and_resize(image):
    """Return the image upright, flattened on white, at most MAX_SIDE px long, with no metadata.

    It is made small first, so the turning and flattening copies are of a small image; the
    image passed in is closed, its pixels freed, as soon as its smaller copy is made.
    """
    small = _shrunk(_resamplable(image))
    ImageOps.exif_transpose(small, in_place=True)
    if small.mode in ("RGBA", "LA"):
        upright = small.convert("RGBA")
        flat = Image.new("RGB", upright.size, "white")
        flat.paste(upright, mask=upright)
    else:
        flat = small.convert("RGB")
    small.close()
    flat.info = {}  # no EXIF, GPS, XMP, ICC profile or JPEG comment is carried over
    return flat


def _resamplable(image):
    """The image in a mode Pillow resamples smoothly (it resizes palette and 1-bit by nearest)."""
    if image.mode == "P":
        converted = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode == "1":
        converted = image.convert("L")
    else:
        return image
    converted.info = dict(image.info)  # keeps the EXIF orientation for exif_transpose
    image.close()
    return converted


def _shrunk(image):
    """The image fitted in MAX_SIDE, resampled a band of rows at a time (the source closed).

    Pillow's resize keeps the source's rows at the new width while it works (half a photo's size
    again), and a transparent image's premultiplied copy (its size again); by bands, each is a
    band's. A band reads the rows its filter reaches beyond it, so the result is the whole
    resize's.
    """
    size = _fitted(image.size, MAX_SIDE)
    if size == image.size:
        return image
    shrunk = Image.new(image.mode, size)
    step = image.height / size[1]
    reach = math.ceil(LANCZOS_SUPPORT * step) + 1
    for top in range(0, size[1], BAND_ROWS):
        bottom = min(top + BAND_ROWS, size[1])
        first = max(0, math.floor(top * step) - reach)
        last = min(image.height, math.ceil(bottom * step) + reach)
        rows = image.crop((0, first, image.width, last))
        box = (0, top * step - first, image.width, bottom * step - first)
        shrunk.paste(
            rows.resize((size[0], bottom - top), Image.Resampling.LANCZOS, box=box), (0, top)
        )
    shrunk.info = dict(image.info)  # keeps the EXIF orientation for exif_transpose
    image.close()
    return shrunk


def save_photo(clean_photo, *, folder):
    """Store a cleaned photo and its thumbnail under MEDIA_ROOT/<folder>/<yyyy>/<mm>/."""
    month = timezone.localdate().strftime("%Y/%m")
    path = default_storage.save(f"{folder}/{month}/{clean_photo.file.name}", clean_photo.file)
    try:
        thumb_path = default_storage.save(
            f"{folder}/{month}/{clean_photo.thumbnail.name}", clean_photo.thumbnail
        )
    except BaseException:
        default_storage.delete(path)  # never leave a photo without its thumbnail
        raise
    return path, thumb_path


def delete_photo(path, thumb_path):
    """Remove a stored photo and its thumbnail, e.g. when the saving transaction rolls back."""
    for name in (path, thumb_path):
        default_storage.delete(name)


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that lets a phone pick several photos from its gallery or camera."""

    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to max_count photos, each checked by clean_photo; cleans to a list of CleanPhoto."""

    def __init__(self, *, max_count=MAX_PHOTOS, required=False, **kwargs):
        self.max_count = max_count
        # No `capture` attribute: with it, phones open the camera and hide the gallery.
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*"}))
        super().__init__(required=required, **kwargs)

    def clean(self, data, initial=None):
        """Refuse too many files, then check every file and report each refusal by name."""
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if len(files) > self.max_count:
            raise _too_many(self.max_count, len(files))
        photos, errors = [], []
        for uploaded_file in files:
            try:
                photos.append(clean_photo(super().clean(uploaded_file, initial)))
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return photos

    def has_changed(self, initial, data):
        """Changed only when at least one file was chosen."""
        return not self.disabled and bool(data)


def _decoded(uploaded_file):
    """Check the header, then decode the first frame as small as will do; or refuse the file."""
    name = uploaded_file.name
    image = _opened(uploaded_file, name)
    _scale_down_while_decoding(image)
    if _bytes_held(image.mode, image.size) > MAX_DECODE_BYTES:
        raise _refusal("too_large_to_decode", name)
    try:
        image.load()
    except Exception:  # above all "image file is truncated"
        raise _refusal("damaged", name) from None
    return image


def _opened(uploaded_file, name):
    """The upload opened and verified from its header and chunks, no pixel decoded yet."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refused all the same.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _open(uploaded_file) as probe:
                probe.verify()
            image = _open(uploaded_file)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refusal("too_many_pixels", name) from None
    except Image.UnidentifiedImageError:
        raise _refusal("not_image", name) from None
    except Exception:  # a damaged file can make a decoder raise almost anything
        raise _refusal("damaged", name) from None
    if image.width * image.height > MAX_PHOTO_PIXELS:
        raise _refusal("too_many_pixels", name)
    return image


def _open(uploaded_file):
    """Open an upload from its start with the photo decoders only."""
    uploaded_file.seek(0)
    return Image.open(uploaded_file, formats=READ_FORMATS)


def _scale_down_while_decoding(image):
    """Have a JPEG decode at 1/2, 1/4 or 1/8 of its size: the smallest scale still at least
    MAX_SIDE long, or smaller still when that would hold more than MAX_DECODE_BYTES."""
    if image.format not in SCALED_FORMATS:
        return
    side = MAX_SIDE
    while side > 1:
        target = _fitted(image.size, side)
        scale = _jpeg_scale(image.size, target)
        decoded = tuple(-(-n // scale) for n in image.size)
        if scale == 8 or _bytes_held(image.mode, decoded) <= MAX_DECODE_BYTES:
            break
        side //= 2
    image.draft(None, target)


def _fitted(size, side):
    """`size` shrunk to fit a square of `side`, keeping its proportions (never enlarged)."""
    ratio = min(1, side / max(size))
    return max(1, round(size[0] * ratio)), max(1, round(size[1] * ratio))


def _jpeg_scale(size, target):
    """The divisor libjpeg decodes at for Pillow's draft(target): 8, 4, 2 or 1."""
    fits = min(size[0] // target[0], size[1] // target[1])
    return next(scale for scale in (8, 4, 2, 1) if fits >= scale)


def _bytes_held(mode, size):
    """Memory a decode of `size` holds at its peak: Pillow keeps 1 byte a pixel in modes L, P
    and 1, and 4 in the others; palette and 1-bit images are converted whole before resizing."""
    return size[0] * size[1] * {"L": 1, "1": 2, "P": 5}.get(mode, 4)


def _upright_and_clean(image, name):
    """strip_and_resize, refusing the file if its pixels or EXIF cannot be converted."""
    try:
        return strip_and_resize(image)
    except Exception:
        raise _refusal("damaged", name) from None


def _as_jpeg(image):
    """Encode as JPEG under a random name, so the name tells nothing about the person."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _refusal(code, name):
    """The translated ValidationError for one refused file, naming it."""
    messages = {
        "too_large": _("“%(name)s” is larger than %(limit)d MB. Please choose a smaller photo."),
        "not_image": _("“%(name)s” is not a photo. Please choose a JPEG, PNG, WebP or GIF image."),
        "damaged": _(
            "“%(name)s” could not be read completely; it may be damaged. "
            "Please choose it again or take a new photo."
        ),
        "too_many_pixels": _(
            "“%(name)s” has too many pixels (over %(limit)d megapixels). "
            "Please choose a smaller photo."
        ),
        "too_large_to_decode": _(
            "“%(name)s” is too large to read in this format. "
            "Please send it as a JPEG photo, or choose a smaller image."
        ),
    }
    limits = {"too_large": MAX_PHOTO_BYTES // 2**20, "too_many_pixels": MAX_PHOTO_PIXELS // 10**6}
    params = {"name": name, "limit": limits.get(code, 0)}
    return ValidationError(messages[code], code=code, params=params)


def _too_many(max_count, count):
    """The translated ValidationError for choosing more photos than allowed."""
    message = ngettext(
        "You can attach at most %(max)d photo; you chose %(count)d.",
        "You can attach at most %(max)d photos; you chose %(count)d.",
        max_count,
    )
    return ValidationError(message, code="too_many", params={"max": max_count, "count": count})
