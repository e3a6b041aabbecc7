"""Submitting a suggestion over HTTP, the way a resident's phone does it, under wrk.

`sessions()` logs in many of the demo's residents (a session row and a CSRF secret each, made in a
subprocess with the bench's settings) and writes one line per resident for bench/submit.lua: the
Cookie header and the urlencoded form body. The script rotates over them, so the rate limit of
intake.MAX_PER_HOUR suggestions per resident per hour stays in force and is never reached.
`count()` reads how many suggestions the residents' submissions created, to hold against wrk's
count of 302 redirects (a successful submit redirects to the new suggestion's page).

`python bench/submit.py sessions N PATH COMMUNITY` is that subprocess (settings from the env).
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import serve  # noqa: E402

SUBMIT_PATH = "/suggestions/new/"
LUA = ROOT / "bench" / "submit.lua"
RESIDENTS = 2_000
OUTCOME = re.compile(r"^submit: (\d+) redirects, (\d+) other$", re.MULTILINE)
# Realistic texts of different lengths; the category suggestion reads every one.
TEXTS = [
    "{n}号楼楼道灯坏了，晚上很暗，老人上下楼不安全，请尽快修理。",
    "小区东门外人行道上的地砖松动了好几块，下雨天一踩就溅水，希望物业更换。",
    "垃圾分类投放点的桶太满，晚上七点以后就溢出来，能否增加清运次数？",
    "{n}号楼电梯这周停了三次，家里有老人和婴儿，请检查维修并告诉我们原因。",
    "儿童游乐区的滑梯有一处螺丝松了，孩子玩的时候晃得厉害，请派人看一看。",
    "地下车库入口的减速带断了，晚上车开得快，建议修复并加装反光标志。",
    "希望在{n}号楼前增加几个电动车充电桩，现在大家都从楼上拉线充电，很危险。",
    "小区里流浪猫越来越多，有居民投喂后留下垃圾，能否统一设置喂食点并定时清理？",
]


def measure(env, port, community):
    """Log residents in, submit as them with wrk (warm-up, then the measured run); check the DB.

    Every response must be the 302 of a successful submission, and the suggestions created must
    be those wrk saw redirected, plus at most one per connection: wrk stops with a request in
    flight on each, which the server still completes but wrk never counts.
    """
    path = serve.WORK / "sessions.txt"
    residents = sessions(env, RESIDENTS, path, community=community)
    before = count(env)
    busy_before = serve.wait_for_quiet()
    redirected, runs = 0, {}
    for name, seconds in (("submit-warmup", serve.WARMUP_SECONDS), ("submit", serve.WRK_SECONDS)):
        script = (LUA, path, serve.WRK_THREADS)
        output, figures = serve.run_wrk(
            port, SUBMIT_PATH, name, seconds, script=script, warmup=name == "submit-warmup"
        )
        redirects, other = _outcome(output, name)
        redirected += redirects
        runs[name] = {**figures, "redirects": redirects}
    created = count(env) - before
    in_flight = created - redirected
    if not 0 <= in_flight <= 2 * serve.WRK_CONNECTIONS:
        raise RuntimeError(f"{created} suggestions created for {redirected} redirects seen by wrk")
    figures = runs["submit"]
    figures.update(
        residents=residents,
        created=created,
        redirected=redirected,
        in_flight_at_stop=in_flight,
        cpu_busy_before=busy_before,
    )
    serve.log(
        f"{SUBMIT_PATH} (POST): {serve.summary(figures)}; "
        f"{created} suggestions created, {redirected} redirects seen"
    )
    return figures


def _outcome(output, name):
    """(redirects, other responses) as submit.lua counted them; any other response fails the run."""
    found = OUTCOME.search(output)
    if not found:
        raise RuntimeError(f"submit.lua printed no outcome; see bench/work/wrk-{name}.txt")
    redirects, other = int(found.group(1)), int(found.group(2))
    if other:
        raise RuntimeError(
            f"{other} submissions did not redirect (refused or failed); "
            f"see bench/work/wrk-{name}.txt and gunicorn.log"
        )
    return redirects, other


def sessions(env, count, path, *, community):
    """Log `count` residents of `community` in; write their Cookie headers and form bodies."""
    subprocess.run(
        [sys.executable, str(Path(__file__)), "sessions", str(count), str(path), community],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return sum(1 for _line in path.open())


def count(env):
    """Suggestions submitted online so far (what the submit benchmark adds to)."""
    import psycopg

    url = env["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM suggestions_suggestion WHERE channel = 'online'"
        ).fetchone()[0]


def _residents(community_code, count):
    """(user, home) of up to `count` residents with a home in the community, one home each."""
    from roundtable.people.models import Residency

    rows = (
        Residency.objects.filter(home__unit__building__compound__community__code=community_code)
        .select_related("user")
        .order_by("user_id", "home_id")
    )
    chosen = {}
    for residency in rows.iterator():
        chosen.setdefault(residency.user_id, residency)
        if len(chosen) == count:
            break
    return [(r.user, r.home_id) for r in chosen.values()]


def _write_sessions(count, path, community_code):
    """Create a logged-in session and a CSRF secret per resident; write the lines for wrk."""
    from bench import sessions as logged_in_sessions

    residents = _residents(community_code, count)
    logged_in = logged_in_sessions.login([user for user, _home_id in residents])
    lines = []
    for n, ((_user, home_id), (cookie, csrf)) in enumerate(zip(residents, logged_in, strict=True)):
        body = urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "community": community_code,
                "text": TEXTS[n % len(TEXTS)].format(n=1 + n % 30),
                "place": str(home_id),
                "building": "",
                "category": "",
            }
        )
        lines.append(f"{cookie}\t{body}\n")
    Path(path).write_text("".join(lines))
    print(f"{len(lines)} resident sessions in {path}")


def main(argv):
    """`sessions N PATH COMMUNITY`: the subprocess that logs the residents in."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    import django

    django.setup()
    _command, count_text, path, community_code = argv[1:5]
    _write_sessions(int(count_text), path, community_code)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
