"""Photos in a gunicorn worker (issue 13, finding 5): the peak memory of the worst photos the
checks accept, and the cost of refusing the finding's 8,300 × 8,400 PNG.

`run(env)` takes a production-like environment (DEBUG off) whose DATABASE_URL is a migrated
PostgreSQL database with the demo community `lf` loaded. It writes the photos under
bench/work/photos/ (deterministic: gradients and shapes, no randomness), logs in one demo
resident per case (bench/sessions.py, in a `python -m bench.photos sessions` subprocess), and
for each case starts a fresh gunicorn with one sync worker, so the worker's high-water mark
(VmHWM in /proc) is that case's peak and nothing else's: it loads the form once (the worker's
own start-up, its baseline), then posts the resident's suggestion with the case's photos as a
phone does (multipart, the form's hidden idempotency key included) and reads VmHWM after.

Accepted cases must answer the 302 to the new suggestion; refused ones the form again (200)
with the photo named in the error. Rows: each case's peak (budget: the 150 MB every gunicorn
worker must stay under, issue 12) and its request's time (no budget). The suggestions made stay,
as the submit benchmark's do.
"""

import http.client
import json
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serve  # noqa: E402

COMMUNITY = "lf"
NEW_PATH = "/suggestions/new/"
PHOTOS = serve.WORK / "photos"
MEMORY_BUDGET = {"op": "<=", "limit": 150}
# key → (label, [(file name, width, height, mode, format)], accepted?)
CASES = {
    "jpeg_50mp": (
        "a 50 MP JPEG (8,160 × 6,120), the largest a phone camera makes",
        [("IMG_50MP.jpg", 8160, 6120, "RGB", "JPEG")],
        True,
    ),
    "jpeg_12mp": (
        "a 12 MP phone JPEG (4,032 × 3,024)",
        [("IMG_12MP.jpg", 4032, 3024, "RGB", "JPEG")],
        True,
    ),
    "jpeg_largest_decode": (
        "the JPEG with the largest decode (5,656 × 5,656, at half scale)",
        [("IMG_SQUARE.jpg", 5656, 5656, "RGB", "JPEG")],
        True,
    ),
    "png_largest": (
        "the largest opaque PNG (2,828 × 2,828)",
        [("screenshot.png", 2828, 2828, "RGB", "PNG")],
        True,
    ),
    "png_transparent": (
        "the largest transparent PNG (2,828 × 2,828)",
        [("drawing.png", 2828, 2828, "RGBA", "PNG")],
        True,
    ),
    "six_jpeg_50mp": (
        "six 50 MP JPEGs in one request",
        [(f"IMG_50MP_{n}.jpg", 8160, 6120, "RGB", "JPEG") for n in range(1, 7)],
        True,
    ),
    "six_png_8300": (
        "six 8,300 × 8,400 PNGs of the finding in one request (refused from their headers)",
        [(f"legal_{n}.png", 8300, 8400, "RGB", "PNG") for n in range(1, 7)],
        False,
    ),
}
VMHWM = re.compile(r"^VmHWM:\s+(\d+) kB", re.M)


def log(message):
    print(f"[photos] {message}", file=sys.stderr, flush=True)


def run(env):
    """Each case in a fresh one-worker gunicorn; the result rows."""
    PHOTOS.mkdir(parents=True, exist_ok=True)
    files = {name: _photo(name, *spec) for _l, specs, _a in CASES.values() for name, *spec in specs}
    residents = _sessions(env, len(CASES))
    rows = []
    for (key, (label, specs, accepted)), resident in zip(CASES.items(), residents, strict=False):
        figures = _measure(env, resident, [files[spec[0]] for spec in specs], accepted)
        log(f"{key}: {figures}")
        rows += [
            {
                "name": f"photo upload, {label}: peak gunicorn worker memory (VmHWM)",
                "value": figures["peak_mb"],
                "unit": "MB",
                "budget": MEMORY_BUDGET,
            },
            {
                "name": f"photo upload, {label}: time of the request",
                "value": figures["seconds"],
                "unit": "s",
                "budget": None,
            },
        ]
    return rows


def _photo(name, width, height, mode, fmt):
    """Write a photo-like image (smooth gradients and shapes) once; return its path."""
    from PIL import Image, ImageDraw

    path = PHOTOS / name
    if path.exists():
        return path
    small = Image.linear_gradient("L").resize((width // 16, height // 16))
    bands = [small, small.transpose(Image.Transpose.FLIP_LEFT_RIGHT), small.rotate(180)]
    image = Image.merge("RGB", bands)
    draw = ImageDraw.Draw(image)
    for n in range(30):
        x, y = n * image.width // 32, n * image.height // 40
        draw.ellipse([x, y, x + image.width // 10, y + image.height // 12], fill=(200, 8 * n, 90))
    image = image.resize((width, height), Image.Resampling.BILINEAR).convert(mode)
    if mode == "RGBA":
        image.putalpha(Image.linear_gradient("L").resize((width, height)))
    image.save(path, fmt, **({"quality": 92} if fmt == "JPEG" else {}))
    return path


def _measure(env, resident, paths, accepted):
    """Start a one-worker gunicorn, load the form, post the photos; the peak and the time."""
    port = serve.free_port()
    process = _start(env, port)
    try:
        serve.wait_until_ready(process, port)
        cookie, csrf, home_id = resident
        status, page = _request(port, "GET", NEW_PATH, cookie)
        if status != 200:
            raise RuntimeError(f"GET {NEW_PATH} answered {status}")
        worker = _worker(process.pid)
        baseline = _vmhwm(worker)
        key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
        fields = {
            "csrfmiddlewaretoken": csrf,
            "community": COMMUNITY,
            "text": "儿童游乐区的地垫破了，孩子容易绊倒，请看照片。",
            "place": home_id,
            "idempotency_key": key,
        }
        body, content_type = _multipart(fields, paths)
        started = time.perf_counter()
        status, page = _request(port, "POST", NEW_PATH, cookie, body, content_type)
        seconds = time.perf_counter() - started
        peak = _vmhwm(worker)
    finally:
        serve.stop(process)
    _check(status, page, paths, accepted)
    return {
        "status": status,
        "seconds": round(seconds, 2),
        "peak_mb": round(peak, 1),
        "baseline_mb": round(baseline, 1),
        "upload_mb": round(sum(p.stat().st_size for p in paths) / 2**20, 2),
    }


def _check(status, page, paths, accepted):
    if accepted and status != 302:
        raise RuntimeError(f"{[p.name for p in paths]} answered {status}, not the 302 of a save")
    if not accepted and (status != 200 or paths[0].name not in page):
        raise RuntimeError(f"{paths[0].name} was not refused by name ({status})")


def _start(env, port):
    """gunicorn as serve.start_gunicorn starts it, with one sync worker."""
    command = [
        sys.executable, "-m", "gunicorn", "roundtable.wsgi",
        "--bind", f"{serve.HOST}:{port}",
        "--worker-class", "sync",
        "--workers", "1",
        "--timeout", "120",
        "--log-level", "warning",
        "--error-logfile", str(PHOTOS / "gunicorn.log"),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)


def _worker(master_pid):
    """The pid of the master's one worker."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    if len(children) != 1:
        raise RuntimeError(f"gunicorn has {len(children)} workers, not one")
    return children[0]


def _vmhwm(pid):
    """The process's peak resident memory so far, in MB."""
    return int(VMHWM.search(Path(f"/proc/{pid}/status").read_text()).group(1)) / 1024


def _request(port, method, path, cookie, body=None, content_type=None):
    """(status, body text) of one request to 127.0.0.1:port."""
    conn = http.client.HTTPConnection(serve.HOST, port, timeout=180)
    headers = {"Cookie": cookie}
    if content_type:
        headers["Content-Type"] = content_type
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        conn.close()


def _multipart(fields, paths):
    """A multipart/form-data body with the fields and the files as `photos`."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    for path in paths:
        kind = "image/png" if path.suffix == ".png" else "image/jpeg"
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="{path.name}"\r\nContent-Type: {kind}\r\n\r\n'
        )
        parts += [head.encode(), path.read_bytes(), b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _sessions(env, count):
    """[(cookie header, csrf secret, home id)] of `count` logged-in demo residents."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.photos", "sessions", str(count)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"bench.photos sessions failed:\n{result.stderr[-3000:]}")
    return [tuple(row) for row in json.loads(result.stdout.strip().splitlines()[-1])]


def _write_sessions(count):
    """Log in `count` residents of the demo community, the last ones (the submit bench's first)."""
    from bench import sessions, submit

    residents = submit._residents(COMMUNITY, 4000)[-count:]
    logged_in = sessions.login([user for user, _home in residents])
    rows = [
        [cookie, csrf, str(home_id)]
        for (_user, home_id), (cookie, csrf) in zip(residents, logged_in, strict=True)
    ]
    print(json.dumps(rows))


def main(argv):
    """`sessions N`: the subprocess that logs the residents in (settings from the env)."""
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    import django

    django.setup()
    if argv[1:2] == ["sessions"]:
        _write_sessions(int(argv[2]))
        return 0
    raise SystemExit(f"unknown command {argv[1:]}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
