"""The benchmark harness's pure helpers (bench/report.py): wrk parsing, budgets, README table."""

import pytest

from bench import report

# Captured from `wrk -t2 -c16 -d10s --latency` against gunicorn's /healthz/ on the bench machine.
WRK_FLOOR = """\
Running 10s test @ http://127.0.0.1:18765/healthz/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.10ms    4.28ms 179.82ms   97.57%
    Req/Sec     2.05k   390.19     2.49k    79.50%
  Latency Distribution
     50%    3.44ms
     75%    4.11ms
     90%    5.96ms
     99%   10.24ms
  40927 requests in 10.02s, 12.37MB read
Requests/sec:   4085.05
Transfer/sec:      1.23MB
"""

# Captured from an overloaded run (1,000 connections, one worker, --timeout 1s): socket timeouts.
WRK_TIMEOUTS = """\
Running 4s test @ http://127.0.0.1:18765/healthz/
  2 threads and 1000 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    33.28ms   84.64ms 877.36ms   98.23%
    Req/Sec     1.34k     1.12k    2.96k    56.90%
  Latency Distribution
     50%   20.71ms
     75%   21.50ms
     90%   24.08ms
     99%  660.39ms
  7912 requests in 4.05s, 2.39MB read
  Socket errors: connect 0, read 0, write 0, timeout 4
Requests/sec:   1955.19
Transfer/sec:    605.27KB
"""

README = """\
# Roundtable

## Benchmarks

<!-- bench:start -->
old table
<!-- bench:end -->

## After
"""


def results(benchmarks):
    """A results.json document around `benchmarks`, as bench/run.py writes it."""
    return {
        "machine": {
            "cores": 2,
            "cpu": "Intel(R) Xeon(R) Processor",
            "python": "3.11.2",
            "postgres": "15.20",
            "date": "2026-11-25T22:40:00+00:00",
        },
        "setup": {
            "server": "gunicorn, 5 sync workers, DEBUG off, PostgreSQL",
            "wrk": "wrk -t2 -c16 -d10s --latency",
        },
        "benchmarks": benchmarks,
    }


def test_parse_wrk_reads_rate_percentiles_and_totals_of_a_real_run():
    figures = report.parse_wrk(WRK_FLOOR)
    assert figures["requests_per_s"] == 4085.05
    assert figures["p50_ms"] == 3.44
    assert figures["p75_ms"] == 4.11
    assert figures["p90_ms"] == 5.96
    assert figures["p99_ms"] == 10.24
    assert figures["requests"] == 40927
    assert figures["duration_s"] == pytest.approx(10.02)
    assert figures["non_2xx"] == 0
    assert figures["socket_errors"] == 0


def test_parse_wrk_counts_socket_errors():
    figures = report.parse_wrk(WRK_TIMEOUTS)
    assert figures["socket_errors"] == 4
    assert figures["p99_ms"] == 660.39


def test_parse_wrk_counts_non_2xx_responses():
    output = WRK_FLOOR.replace("Requests/sec", "  Non-2xx or 3xx responses: 17\nRequests/sec")
    assert report.parse_wrk(output)["non_2xx"] == 17


def test_parse_wrk_refuses_output_without_the_latency_distribution():
    without_latency = "\n".join(
        line for line in WRK_FLOOR.splitlines() if "%" not in line or "Stdev" in line
    )
    with pytest.raises(report.WrkOutputError):
        report.parse_wrk(without_latency)


@pytest.mark.parametrize(
    ("text", "ms"),
    [("812.00us", 0.812), ("3.44ms", 3.44), ("1.02s", 1020.0), ("2.00m", 120_000.0)],
)
def test_parse_duration_converts_wrk_units_to_milliseconds(text, ms):
    assert report.parse_duration(text) == pytest.approx(ms)


def test_parse_duration_refuses_what_is_not_a_duration():
    with pytest.raises(report.WrkOutputError):
        report.parse_duration("-nan%")


@pytest.mark.parametrize(
    ("value", "budget", "verdict"),
    [
        (59.9, {"op": "<", "limit": 60}, True),
        (60, {"op": "<", "limit": 60}, False),
        (10, {"op": "<=", "limit": 10}, True),
        (11, {"op": "<=", "limit": 10}, False),
        (123, None, None),
    ],
)
def test_meets_applies_the_budget_operator(value, budget, verdict):
    assert report.meets(value, budget) is verdict


def test_benchmark_row_carries_verdict_and_ratio_to_floor():
    row = report.benchmark("page", 820.0, "req/s", floor=4100.0)
    assert row == {
        "name": "page",
        "value": 820.0,
        "unit": "req/s",
        "budget": None,
        "passed": None,
        "at_reference": None,
        "ratio_to_floor": 0.2,
    }
    assert report.benchmark("import", 12.5, "s", budget={"op": "<", "limit": 60})["passed"]


def test_a_rate_budget_is_judged_at_the_reference_speed():
    """A floor of 1,200 req/s is a machine four times slower than the one budgets were set on."""
    budget = {"op": ">=", "limit": 500}
    slow = report.benchmark("ballots", 130.0, "req/s", budget=budget, floor_rate=1200.0)
    assert slow["at_reference"] == 520.0 and slow["passed"] is True
    short = report.benchmark("ballots", 120.0, "req/s", budget=budget, floor_rate=1200.0)
    assert short["at_reference"] == 480.0 and short["passed"] is False
    fast = report.benchmark("ballots", 900.0, "req/s", budget=budget, floor_rate=9600.0)
    assert fast["at_reference"] == 450.0 and fast["passed"] is False


def test_a_time_budget_is_judged_at_the_reference_speed():
    budget = {"op": "<", "limit": 100}
    row = report.benchmark("p99", 380.0, "ms", budget=budget, floor_rate=1200.0)
    assert row["at_reference"] == 95.0 and row["passed"] is True
    assert report.benchmark("p99", 420.0, "ms", budget=budget, floor_rate=1200.0)["passed"] is False


def test_figures_that_do_not_follow_the_machine_speed_are_judged_as_measured():
    budget = {"op": "<", "limit": 60}
    row = report.benchmark("import", 61.0, "s", budget=budget, floor_rate=1200.0)
    assert row["at_reference"] is None and row["passed"] is False
    unbudgeted = report.benchmark("p50", 30.0, "ms", floor_rate=1200.0)
    assert unbudgeted["at_reference"] is None
    no_floor = report.benchmark("p99", 120.0, "ms", budget={"op": "<", "limit": 100})
    assert no_floor["at_reference"] is None and no_floor["passed"] is False


def test_render_table_has_one_row_per_benchmark_with_budget_ratio_and_date():
    table = report.render_table(
        results(
            [
                report.benchmark("floor", 4085.05, "req/s", floor=4085.05),
                report.benchmark("page", 128.0, "req/s", floor=4202.0),
                report.benchmark("page p50", 122.8, "ms", floor=3.64),
                report.benchmark("queries", 7, "queries", budget={"op": "<=", "limit": 10}),
                report.benchmark("import", 61.2, "s", budget={"op": "<", "limit": 60}),
                report.benchmark(
                    "ballots",
                    130.0,
                    "req/s",
                    budget={"op": ">=", "limit": 500},
                    floor=1200.0,
                    floor_rate=1200.0,
                ),
            ]
        )
    )
    lines = table.splitlines()
    assert lines[0] == (
        "| benchmark | result | at reference speed | budget | ratio to floor | date |"
    )
    assert "| floor | 4,085 req/s | — | — | 1.00× | 2026-11-25 |" in lines
    assert "| page | 128 req/s | — | — | 0.0305× | 2026-11-25 |" in lines
    assert "| page p50 | 123 ms | — | — | 33.7× | 2026-11-25 |" in lines
    assert "| queries | 7 queries | — | ≤ 10 queries ✅ | — | 2026-11-25 |" in lines
    assert "| import | 61.20 s | — | < 60 s ❌ | — | 2026-11-25 |" in lines
    assert "| ballots | 130 req/s | 520 req/s | ≥ 500 req/s ✅ | 0.108× | 2026-11-25 |" in lines
    assert "`make bench`" in table and "4,800 requests/s" in table


def test_render_table_shows_the_notes_of_a_run_under_the_table():
    document = results([report.benchmark("floor", 985.0, "req/s", floor=985.0)])
    assert "**Note:**" not in report.render_table(document)
    document["notes"] = ["other work kept the machine 92%–100% busy"]
    assert "**Note:** other work kept the machine 92%–100% busy" in report.render_table(document)


def test_rewrite_between_markers_replaces_only_the_marked_section():
    rewritten = report.rewrite_between_markers(README, "| new | table |")
    assert "old table" not in rewritten
    assert "<!-- bench:start -->\n| new | table |\n<!-- bench:end -->" in rewritten
    assert rewritten.startswith("# Roundtable\n\n## Benchmarks\n\n")
    assert rewritten.endswith("<!-- bench:end -->\n\n## After\n")
    assert report.rewrite_between_markers(rewritten, "| new | table |") == rewritten


@pytest.mark.parametrize(
    "text",
    [
        "no markers at all",
        "<!-- bench:start --> only the start",
        "<!-- bench:end --> end first <!-- bench:start -->",
    ],
)
def test_rewrite_between_markers_refuses_text_without_both_markers_in_order(text):
    with pytest.raises(ValueError):
        report.rewrite_between_markers(text, "table")
