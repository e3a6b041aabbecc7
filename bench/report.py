"""Pure helpers for the benchmark harness: wrk output parsing, budgets and the README table."""

import re

README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"

# wrk prints durations with these units (see its units.c: us, ms, s, m, h).
DURATION_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
DURATION = re.compile(r"^([\d.]+)(us|ms|s|m|h)$")
PERCENTILE = re.compile(r"^\s*(\d+(?:\.\d+)?)%\s+(\S+)\s*$", re.MULTILINE)
RATE = re.compile(r"^Requests/sec:\s+([\d.]+)\s*$", re.MULTILINE)
TOTAL = re.compile(r"^\s*(\d+) requests in ([\d.]+\w+),", re.MULTILINE)
NON_2XX = re.compile(r"^\s*Non-2xx or 3xx responses:\s+(\d+)\s*$", re.MULTILINE)
SOCKET_ERRORS = re.compile(
    r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", re.MULTILINE
)
BUDGET_OPS = {
    "<": lambda value, limit: value < limit,
    "<=": lambda value, limit: value <= limit,
    ">": lambda value, limit: value > limit,
    ">=": lambda value, limit: value >= limit,
}


OP_SIGNS = {"<=": "≤", ">=": "≥"}

# The issues set their rate and latency budgets on a machine whose minimal Django view served
# about 4,800 requests/s. The same 2-core machine has served /healthz/ at anywhere from 1,000 to
# 4,400 requests/s from one day to the next (the host's other load), and a run's pages, ballots
# and submissions slow down with it. So a budgeted rate or time is judged at that reference
# speed: scaled by how much slower or faster the floor ran in the same run. Rates scale up on
# a slow machine, times down; the figure as measured is kept beside.
REFERENCE_FLOOR = 4800  # req/s of /healthz/ on the machine the budgets were set on
SCALED_UNITS = {"req/s": 1, "ms": -1}  # the power of the machine's slowness each is scaled by


class WrkOutputError(ValueError):
    """wrk's output lacks a figure the harness needs (e.g. it was run without --latency)."""


def parse_duration(text):
    """A wrk duration such as '3.27ms', '812.00us' or '1.02s', in milliseconds."""
    match = DURATION.match(text.strip())
    if not match:
        raise WrkOutputError(f"not a wrk duration: {text!r}")
    return float(match.group(1)) * DURATION_MS[match.group(2)]


def parse_wrk(output):
    """The figures of one `wrk --latency` run: rate, latency percentiles, totals and errors."""
    rate = RATE.search(output)
    total = TOTAL.search(output)
    percentiles = {float(p): parse_duration(d) for p, d in PERCENTILE.findall(output)}
    if not rate or not total or 50.0 not in percentiles or 99.0 not in percentiles:
        raise WrkOutputError("wrk output lacks Requests/sec or the --latency distribution")
    non_2xx = NON_2XX.search(output)
    sockets = SOCKET_ERRORS.search(output)
    return {
        "requests_per_s": float(rate.group(1)),
        "p50_ms": percentiles[50.0],
        "p75_ms": percentiles.get(75.0),
        "p90_ms": percentiles.get(90.0),
        "p99_ms": percentiles[99.0],
        "requests": int(total.group(1)),
        "duration_s": parse_duration(total.group(2)) / 1000,
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
    }


def meets(value, budget):
    """Whether `value` keeps within `budget` ({"op": "<", "limit": 60}); None if no budget."""
    if budget is None:
        return None
    return BUDGET_OPS[budget["op"]](value, budget["limit"])


def ratio(value, floor):
    """`value` divided by the floor's figure, rounded for reading; None without a floor."""
    if not floor:
        return None
    return float(f"{value / floor:.4g}")


def at_reference(value, unit, floor_rate):
    """`value` as the reference machine would have measured it, given the floor's rate in the
    same run; None for units that do not scale with the machine's speed, or without a floor."""
    if not floor_rate or unit not in SCALED_UNITS:
        return None
    slowness = REFERENCE_FLOOR / floor_rate
    return float(f"{value * slowness ** SCALED_UNITS[unit]:.4g}")


def benchmark(name, value, unit, *, budget=None, floor=None, floor_rate=None):
    """One result row as results.json stores it: the figure, its ratio to the floor's, and for
    a budgeted rate or time its value at the reference speed, which the budget is judged on."""
    scaled = at_reference(value, unit, floor_rate) if budget is not None else None
    return {
        "name": name,
        "value": value,
        "unit": unit,
        "budget": budget,
        "passed": meets(value if scaled is None else scaled, budget),
        "at_reference": scaled,
        "ratio_to_floor": ratio(value, floor) if floor is not None else None,
    }


def format_value(value, unit):
    """A figure for the table: thousands separated, two decimals below 100, then its unit."""
    if isinstance(value, int):
        text = f"{value:,}"
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.2f}"
    return f"{text} {unit}"


def format_budget(row):
    """The budget column: e.g. '< 60 s ✅', or '—' when the figure has none yet."""
    budget = row["budget"]
    if budget is None:
        return "—"
    verdict = "✅" if row["passed"] else "❌"
    op = OP_SIGNS.get(budget["op"], budget["op"])
    return f"{op} {format_value(budget['limit'], row['unit'])} {verdict}"


def format_ratio(row):
    """The ratio-to-floor column, about three significant figures ('0.0305×', '33.7×'), or '—'."""
    value = row["ratio_to_floor"]
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}×"
    if value >= 10:
        return f"{value:.1f}×"
    if value >= 1:
        return f"{value:.2f}×"
    return f"{value:.3g}×"


def format_at_reference(row):
    """The at-reference-speed column: the scaled figure, or '—' when the row is not scaled."""
    if row.get("at_reference") is None:
        return "—"
    return format_value(row["at_reference"], row["unit"])


def render_table(results):
    """The Markdown table (benchmark, result, at reference speed, budget, ratio to floor, date)
    plus how the figures were scaled and how to rerun."""
    date = results["machine"]["date"][:10]
    lines = [
        "| benchmark | result | at reference speed | budget | ratio to floor | date |",
        "|---|---:|---:|---|---:|---|",
    ]
    for row in results["benchmarks"]:
        lines.append(
            f"| {row['name']} | {format_value(row['value'], row['unit'])} | "
            f"{format_at_reference(row)} | {format_budget(row)} | {format_ratio(row)} | {date} |"
        )
    machine = results["machine"]
    lines += ["", *(f"**Note:** {note}" for note in results.get("notes", ()))]
    lines += [
        "",
        f"Measured on {machine['cores']} cores ({machine['cpu']}), Python {machine['python']}, "
        f"PostgreSQL {machine['postgres']}; {results['setup']['server']}; "
        f"load from `{results['setup']['wrk']}` on the same machine. "
        "The floor is `/healthz/` (no database, no template).",
        "",
        "Budgets of rates and times are judged **at reference speed**: the budgets were set on "
        f"a machine whose minimal view served {REFERENCE_FLOOR:,} requests/s, and this one's "
        "speed changes from day to day, so a figure is scaled by how much slower or faster the "
        "floor ran in the same run (rates × reference ÷ floor, times × floor ÷ reference). "
        "The result column is the figure as measured.",
        "",
        "Reproduce with `make bench` (needs PostgreSQL on 127.0.0.1:5432 and `wrk`); "
        "it rewrites this table and `bench/results.json`.",
    ]
    return "\n".join(lines)


def rewrite_between_markers(text, body, start=README_START, end=README_END):
    """`text` with everything between the start and end markers replaced by `body`."""
    head, found_start, rest = text.partition(start)
    _old, found_end, tail = rest.partition(end)
    if not found_start or not found_end:
        raise ValueError(f"markers {start} … {end} not found in order")
    return f"{head}{start}\n{body.strip()}\n{end}{tail}"
