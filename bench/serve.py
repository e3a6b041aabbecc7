"""Serving the bench database with gunicorn and loading it with wrk, on 127.0.0.1 only."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

from bench import report

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "work"
PY = sys.executable
HOST = "127.0.0.1"
FLOOR_PATH = "/healthz/"
PG_BENCH_DB = "roundtable_bench"
WRK_THREADS, WRK_CONNECTIONS, WRK_SECONDS, WARMUP_SECONDS = 2, 16, 10, 2
QUIET_CPU_SHARE, QUIET_PATIENCE_SECONDS = 0.15, 45

# Sync workers, 2 × cores + 1. Measured on the 2-core bench machine with a near-empty community,
# 3 interleaved rounds, medians (wrk on the same cores): /c/lf/ served 221 req/s, p99 98 ms with
# 5 sync workers; 3 sync 232 req/s, p99 92 ms; 8 sync 210, p99 108; gthread 5×2 135, p99 154;
# gthread 3×4 220, p99 188; gthread 2×8 116, p99 193. Pages are CPU-bound Python under the GIL
# and local PostgreSQL answers in well under a millisecond, so threads only add contention.
# gthread does lift the floor (5,100 to 5,800 req/s against 4,300) because it keeps connections
# alive where sync closes each one; the floor runs on the same server as the page, so their ratio
# compares like with like.
WORKER_CLASS, WORKERS, THREADS = "sync", 2 * (os.cpu_count() or 1) + 1, 1


def log(message):
    """Print one progress line, flushed so `make bench` shows it at once."""
    print(f"[bench] {message}", flush=True)


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env, port):
    """Start gunicorn serving roundtable.wsgi on 127.0.0.1:port; return its process."""
    command = [
        PY, "-m", "gunicorn", "roundtable.wsgi",
        "--bind", f"{HOST}:{port}",
        "--worker-class", WORKER_CLASS,
        "--workers", str(WORKERS),
        "--threads", str(THREADS),
        "--log-level", "warning",
        "--error-logfile", str(WORK / "gunicorn.log"),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL)


# server → the largest resident set (MB) of its gunicorn workers, read just before it stopped:
# what a worker holds after the load it served (issue 12: at most 150 MB each).
WORKER_MEMORY = {}


def worker_memory_mb(pid):
    """The resident set in MB of each worker (child process) of the gunicorn master `pid`."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    sizes = []
    for child in children:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue  # the worker ended meanwhile
        rss = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if rss:
            sizes.append(round(int(rss.group(1)) / 1024, 1))
    return sizes


def record_worker_memory(process, server):
    """Keep the largest worker's resident set of this gunicorn under the server's name."""
    sizes = worker_memory_mb(process.pid)
    if sizes:
        WORKER_MEMORY[server] = max(sizes)
        log(f"{server}: gunicorn workers' resident memory {', '.join(map(str, sizes))} MB")


def stop(process, server=None):
    """Stop a process we started: TERM, then KILL if it lingers; a gunicorn named `server` has
    its workers' memory kept first."""
    if process.poll() is not None:
        return
    if server:
        record_worker_memory(process, server)
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def get_status(port, path):
    """Status code of one GET to 127.0.0.1:port/path, redirects not followed."""
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def wait_until_ready(process, port, timeout=60):
    """Poll /healthz/ until it answers 200; fail if gunicorn exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}); see work/gunicorn.log")
        try:
            if get_status(port, FLOOR_PATH) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {FLOOR_PATH} within {timeout} s")


def wrk_command(seconds):
    """The wrk command line (without its URL) for a run of `seconds`."""
    return ["wrk", f"-t{WRK_THREADS}", f"-c{WRK_CONNECTIONS}", f"-d{seconds}s", "--latency"]


def run_wrk(port, path, name, seconds=WRK_SECONDS, script=(), *, warmup=False):
    """Load 127.0.0.1:port/path with wrk for `seconds`; keep its output, return it and its figures.

    `script` is wrk's `-s file.lua` and the script's arguments, if any. The figures include the
    CPU time the server side (gunicorn's workers, PostgreSQL's backends) spent, in all and per
    request. A
    warm-up may time out on a worker's first request (it loads the URLs, templates and
    translations then); a measured run may not.
    """
    url = f"http://{HOST}:{port}{path}"
    assert url.startswith(f"http://{HOST}:"), "the bench only ever loads 127.0.0.1"
    command = [*wrk_command(seconds)]
    if script:
        command += ["-s", str(script[0]), url, "--", *map(str, script[1:])]
    else:
        command.append(url)
    before = server_cpu(port)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    spent = {"gunicorn": 0.0, "postgres": 0.0}
    for pid, (side, ms) in server_cpu(port).items():  # a process gone by now is not counted
        spent[side] += ms - before.get(pid, (side, 0.0))[1]
    (WORK / f"wrk-{name}.txt").write_text(output)
    figures = report.parse_wrk(output)
    figures["server_cpu_ms"] = {side: round(ms, 1) for side, ms in spent.items()}
    figures["server_cpu_ms_per_request"] = {
        side: round(ms / max(figures["requests"], 1), 3) for side, ms in spent.items()
    }
    timeouts_only = warmup and figures["socket_errors"] == _timeouts(output)
    failed = figures["non_2xx"] or (figures["socket_errors"] and not timeouts_only)
    if failed or not figures["requests"]:
        raise RuntimeError(
            f"{path}: {figures['requests']} requests, {figures['non_2xx']} non-2xx, "
            f"{figures['socket_errors']} socket errors; see bench/work/wrk-{name}.txt"
        )
    return output, figures


def _timeouts(output):
    """Timeouts in wrk's "Socket errors: connect 0, read 0, write 0, timeout N" line."""
    found = re.search(r"timeout (\d+)", output)
    return int(found.group(1)) if found else 0


def server_cpu(port):
    """{pid: (side, CPU ms so far)} of gunicorn on `port` and of the bench database's backends.

    Read from /proc, so that a figure taken on a busy machine can still be judged by what each
    request cost rather than by how long it waited for a core.
    """
    spent = {}
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        side = _server_side(command, port)
        if side:
            spent[entry.name] = (side, (int(fields[11]) + int(fields[12])) * tick_ms)
    return spent


def _server_side(command, port):
    if "gunicorn" in command and f"{HOST}:{port}" in command:
        return "gunicorn"
    if command.startswith("postgres: ") and f" {PG_BENCH_DB} " in command:
        return "postgres"
    return None


def cpu_times():
    """(busy, total) jiffies of all CPUs from /proc/stat."""
    fields = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def cpu_busy(seconds=1.0):
    """Share of all CPUs busy during the next `seconds`, 0.0 to 1.0."""
    busy, total = cpu_times()
    time.sleep(seconds)
    busy2, total2 = cpu_times()
    return round((busy2 - busy) / max(total2 - total, 1), 3)


def wait_for_quiet(limit=QUIET_CPU_SHARE, patience=QUIET_PATIENCE_SECONDS):
    """Wait (a while) until other work leaves the CPUs mostly idle; return the last busy share.

    The machine is shared (test suites, browsers); a measurement taken while they run says more
    about them than about Roundtable, so the share found is kept beside each result.
    """
    deadline = time.monotonic() + patience
    busy = cpu_busy()
    while busy > limit and time.monotonic() < deadline:
        busy = cpu_busy()
    if busy > limit:
        log(f"the machine is still {busy:.0%} busy with other work; measuring anyway")
    return busy


def measure_path(port, path, name):
    """Check `path` answers 200, warm the workers on it, then measure it."""
    status = get_status(port, path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}, not 200; is the demo community loaded?")
    busy_before = wait_for_quiet()
    run_wrk(port, path, f"{name}-warmup", seconds=WARMUP_SECONDS, warmup=True)
    _output, figures = run_wrk(port, path, name)
    figures["cpu_busy_before"] = busy_before
    log(f"{path}: {summary(figures)}")
    return figures


def summary(figures):
    """One wrk run in a line: rate, latency, the server's CPU per request."""
    cpu = figures["server_cpu_ms_per_request"]
    return (
        f"{figures['requests_per_s']:.0f} req/s, p50 {figures['p50_ms']:.2f} ms, "
        f"p99 {figures['p99_ms']:.2f} ms; CPU per request {cpu['gunicorn']:.2f} ms gunicorn, "
        f"{cpu['postgres']:.2f} ms PostgreSQL"
    )
