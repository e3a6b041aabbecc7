"""Submitting while gunicorn workers die (issue 13, "make it systematic"; finding 11): nothing a
resident was told is saved may be missing, and nothing retried may be stored twice.

`run(env)` takes a production-like environment (DEBUG off) whose DATABASE_URL is a migrated
PostgreSQL database with the demo community `lf` loaded, and:
1. logs RESIDENTS of the demo's residents in (bench/sessions.py, in a `python -m bench.faults
   sessions` subprocess): a Cookie header, the CSRF secret and their home each;
2. serves the database as run.py does (serve.WORKERS sync workers);
3. runs CLIENTS client threads for WARMUP_SECONDS (every worker's first requests load its URLs,
   templates and translations), then for SECONDS: each posts the resident's suggestion form
   (POST /suggestions/new/) as the next resident of its own share, with a fresh idempotency key
   per suggestion, as a newly rendered form carries, and a text naming it. A post that fails
   (the connection dropped or reset, a timeout, a 5xx) is sent again, the same body and key,
   as a phone resends a form whose answer never came, up to RETRIES times;
4. meanwhile (after the warm-up) SIGKILLs a busy gunicorn worker at each of KILL_AT seconds (the
   master starts another: a worker lost with the requests it held, as the OOM killer does);
5. reads the database: every 302's suggestion (the reference in its Location) must be stored,
   under the key it was posted with; no key may have two suggestions; and every other answer
   (a 200 is the form shown again, i.e. refused) is counted, each of which fails the run.

Rows: the 302s, the posts sent again, the workers killed, 302s whose suggestion is missing
(budget 0), keys stored twice (budget 0), answers neither a 302 nor retried to one (budget 0).
"""

import http.client
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serve  # noqa: E402

COMMUNITY = "lf"
NEW_PATH = "/suggestions/new/"
RESIDENTS = 2_000
CLIENTS = 16
WARMUP_SECONDS, SECONDS = 3, 15
KILL_AT = (4, 9)
RETRIES = 5
ZERO = {"op": "<=", "limit": 0}
TEXT = "[故障测试 {key}] {n}号楼楼道灯坏了，晚上很暗，老人上下楼不安全，请尽快修理。"
LOCATION = re.compile(r"/suggestions/([A-Z]+-\d{4}-\d{6})/$")
# Failures a client resends on: no answer, or a worker's error page.
DROPPED = (ConnectionError, http.client.HTTPException, TimeoutError, OSError)


def log(message):
    print(f"[faults] {message}", file=sys.stderr, flush=True)


def run(env):
    """Load, kill two workers, check the database; the result rows."""
    residents = _sessions(env, RESIDENTS)
    port = serve.free_port()
    process = serve.start_gunicorn(env, port)
    half = len(residents) // 2
    try:
        serve.wait_until_ready(process, port)
        warm = _load(port, residents[half:], process.pid, WARMUP_SECONDS, kill_at=())
        outcome = _load(port, residents[:half], process.pid, SECONDS, kill_at=KILL_AT)
    finally:
        serve.stop(process)
    checked = _check(
        env, {**warm["answered"], **outcome["answered"]}, warm["keys"] + outcome["keys"]
    )
    outcome["failed"] += warm["failed"]
    figures = {**{k: v for k, v in outcome.items() if k not in ("answered", "keys")}, **checked}
    log(json.dumps(figures))
    return _rows(figures)


def _rows(figures):
    label = f"submitting while 2 gunicorn workers are SIGKILLed ({CLIENTS} clients, {SECONDS} s)"
    return [
        {"name": f"{label}: suggestions saved (302)", "value": figures["saved"],
         "unit": "posts", "budget": None},
        {"name": f"{label}: posts sent again after a lost answer", "value": figures["resent"],
         "unit": "posts", "budget": None},
        {"name": f"{label}: workers killed", "value": figures["killed"], "unit": "workers",
         "budget": {"op": ">=", "limit": len(KILL_AT)}},
        {"name": f"{label}: 302s whose suggestion is missing", "value": figures["missing"],
         "unit": "suggestions", "budget": ZERO},
        {"name": f"{label}: suggestions stored twice for one key", "value": figures["twice"],
         "unit": "suggestions", "budget": ZERO},
        {"name": f"{label}: posts refused or never saved", "value": figures["failed"],
         "unit": "posts", "budget": ZERO},
    ]  # fmt: skip


def _load(port, residents, master_pid, seconds, *, kill_at):
    """CLIENTS threads posting for `seconds` while a killer thread kills a worker at each of
    `kill_at` seconds."""
    deadline = time.monotonic() + seconds
    answered, keys, counts = {}, [], {"resent": 0, "failed": 0, "killed": 0}
    lock = threading.Lock()

    def client(offset):
        n = offset
        while time.monotonic() < deadline:
            cookie, csrf, home_id = residents[n % len(residents)]
            n += CLIENTS  # its own residents: no two clients post as one person at once
            key = secrets.token_hex(16)
            body = urlencode(
                {
                    "csrfmiddlewaretoken": csrf,
                    "community": COMMUNITY,
                    "text": TEXT.format(key=key[:8], n=1 + n % 30),
                    "place": home_id,
                    "idempotency_key": key,
                }
            )
            reference, resent = _post_until_answered(port, cookie, body)
            with lock:
                keys.append(key)
                counts["resent"] += resent
                if reference:
                    answered[key] = reference
                else:
                    counts["failed"] += 1

    def killer():
        started = time.monotonic()
        for at in kill_at:
            time.sleep(max(0, started + at - time.monotonic()))
            victim = _busy_worker(master_pid)
            if victim:
                os.kill(victim, signal.SIGKILL)
                counts["killed"] += 1
                log(f"killed gunicorn worker {victim} at {time.monotonic() - started:.1f} s")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    threads.append(threading.Thread(target=killer))
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        **counts,
        "saved": len(answered),
        "posted": len(keys),
        "per_second": round(len(answered) / elapsed, 1),
        "answered": answered,
        "keys": keys,
    }


def _post_until_answered(port, cookie, body):
    """(reference of the suggestion, times sent again): the post, resent on a lost answer."""
    for attempt in range(RETRIES + 1):
        try:
            status, location = _post(port, cookie, body)
        except DROPPED:
            time.sleep(0.05 * (attempt + 1))
            continue
        if status >= 500:
            time.sleep(0.05 * (attempt + 1))
            continue
        found = LOCATION.search(location or "") if status == 302 else None
        return (found.group(1) if found else None), attempt
    return None, RETRIES


def _post(port, cookie, body):
    conn = http.client.HTTPConnection(serve.HOST, port, timeout=30)
    try:
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        conn.request("POST", NEW_PATH, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location")
    finally:
        conn.close()


def _busy_worker(master_pid):
    """A worker of the master that is using the CPU now (else any): one holding a request."""
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return None
    for child in children:
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state == "R":
            return int(child)
    return int(children[0]) if children else None


def _check(env, answered, keys):
    """Missing 302s, keys stored twice, and 302s naming another suggestion than their key's."""
    import psycopg

    url = env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as conn:
        stored = conn.execute(
            "SELECT idempotency_key, reference FROM suggestions_suggestion "
            "WHERE idempotency_key = ANY(%s)",
            (keys,),
        ).fetchall()
    by_key = {}
    for key, reference in stored:
        by_key.setdefault(key, []).append(reference)
    missing = sum(1 for key, ref in answered.items() if ref not in by_key.get(key, []))
    twice = sum(len(refs) - 1 for refs in by_key.values())
    return {"stored": len(stored), "missing": missing, "twice": twice}


def _sessions(env, count):
    """[(cookie header, csrf secret, home id)] of `count` logged-in demo residents."""
    path = serve.WORK / "faults-sessions.json"
    subprocess.run(
        [sys.executable, "-m", "bench.faults", "sessions", str(count), str(path)],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    return [tuple(row) for row in json.loads(path.read_text())]


def main(argv):
    """`sessions N PATH`: the subprocess that logs the residents in (settings from the env)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    import django

    django.setup()
    from bench import sessions, submit

    if argv[1:2] != ["sessions"]:
        raise SystemExit(f"unknown command {argv[1:]}")
    residents = submit._residents(COMMUNITY, int(argv[2]))
    logged_in = sessions.login([user for user, _home in residents])
    rows = [
        [cookie, csrf, str(home_id)]
        for (_user, home_id), (cookie, csrf) in zip(residents, logged_in, strict=True)
    ]
    Path(argv[3]).write_text(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
