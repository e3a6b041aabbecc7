"""Duplicate detection measured on the labelled pairs: the threshold, precision and recall, and the
shortcuts a lookup takes, which must flag and rank as scoring every candidate does.

`run(env)` runs `python -m bench.duplicate_quality` in a subprocess with `env` and returns its
rows {"name", "value", "unit", "budget"}. No database: the subprocess ranks in memory, as
roundtable/suggestions/tests/test_similarity.py does on a few of the same rows. It

1. ranks each of the 378 pairs of roundtable/suggestions/tests/data/duplicate_pairs.csv (text a
   new, text b placed and dated as the row says) against b and a backlog of the set's other 754
   texts, a year old in another compound (tests/labelled.py), and keeps b's score;
2. chooses a threshold on the even rows (the best min(precision, recall), ties to the higher
   one), which must be within 0.01 of DUPLICATE_THRESHOLD, the one the module was given;
3. measures precision and recall at DUPLICATE_THRESHOLD on the even rows (tuning), the odd rows
   (held out: precision ≥ 75 %, recall ≥ 65 %, the floors just under what was measured when the
   threshold was chosen; the target, 80 % each, is not reached yet) and all rows (≥ 80 % each);
4. ranks every pair again with the prefilter from 100 candidates, so that the backlog is looked
   up as a community past PREFILTER_FROM is: no pair may be flagged differently;
5. ranks every 7th backlog text from its features read back from JSON (what duplicates.py keeps
   in the database) and every 11th in two steps (bounded by place and time first, the
   candidates worth scoring loaded after, in batches from 10): no lookup may rank differently,
   and some must have read a second batch.

The JSON figures are printed as the last line of the subprocess's output.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WHAT = "Duplicate detection, labelled pairs"
THRESHOLD_BUDGET = {"op": "<=", "limit": 0.01}
# Percent, per half of the set: (precision, recall); None where the suite asserted nothing.
BUDGETS = {
    "even rows (tuning)": None,
    "odd rows (held out)": ({"op": ">=", "limit": 75}, {"op": ">=", "limit": 65}),
    "all rows": ({"op": ">=", "limit": 80}, {"op": ">=", "limit": 80}),
}
HELD_OUT_TARGET = 80  # percent, both precision and recall: not reached yet, so not a budget
NONE_DIFFER = {"op": "<=", "limit": 0}
JSON_STEP, TWO_STEP_STEP = 7, 11


def run(env):
    """Measure in a subprocess with `env`; return the rows."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.duplicate_quality"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.duplicate_quality failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def log(message):
    print(f"[duplicate_quality] {message}", file=sys.stderr, flush=True)


def precision_recall(scored, threshold):
    """(precision, recall) of flagging the (score, label) pairs at `threshold`."""
    flagged = [label for score, label in scored if score >= threshold]
    duplicates = sum(label for _, label in scored)
    return sum(flagged) / max(len(flagged), 1), sum(flagged) / max(duplicates, 1)


def choose_threshold(scored):
    """The threshold with the best min(precision, recall); ties go to the higher threshold."""
    candidates = sorted({score for score, _ in scored if score > 0})
    return max(candidates, key=lambda t: (min(precision_recall(scored, t)), t))


def percent(share):
    return round(100 * share, 1)


def quality_rows(scored, threshold):
    """The chosen threshold and its distance from `threshold`; precision and recall per half."""
    chosen = choose_threshold(scored[0::2])
    log(f"threshold chosen on the even rows: {chosen:.4f} (module: {threshold})")
    rows = [
        {"name": f"{WHAT}: threshold chosen on the even rows", "value": chosen, "unit": "score"},
        {
            "name": f"{WHAT}: chosen threshold's distance from DUPLICATE_THRESHOLD ({threshold})",
            "value": round(abs(chosen - threshold), 4),
            "unit": "score",
            "budget": THRESHOLD_BUDGET,
        },
    ]
    halves = {"even rows (tuning)": scored[0::2], "odd rows (held out)": scored[1::2]}
    halves["all rows"] = scored
    for half, pairs in halves.items():
        precision, recall = precision_recall(pairs, threshold)
        log(f"{half:20} n={len(pairs):3}  precision {precision:.3f}  recall {recall:.3f}")
        budgets = BUDGETS[half] or (None, None)
        measured = zip(("precision", "recall"), (precision, recall), budgets, strict=True)
        for measure, value, budget in measured:
            row = {"name": f"{WHAT}, {half}: {measure}", "value": percent(value), "unit": "%"}
            rows.append(row if budget is None else {**row, "budget": budget})
    lower = min(precision_recall(halves["odd rows (held out)"], threshold))
    rows.append(
        {
            "name": f"{WHAT}, odd rows (held out): lower of precision and recall "
            f"(target {HELD_OUT_TARGET} %)",
            "value": percent(lower),
            "unit": "%",
        }
    )
    return rows


def shortcut_rows(scores):
    """Pairs flagged and lookups ranked differently when a lookup takes its shortcuts."""
    from roundtable.suggestions.tests import labelled

    prefiltered = labelled.prefilter_differences(range(len(scores)), every=dict(enumerate(scores)))
    log(f"prefilter from 100 candidates: {len(prefiltered)} pairs flagged differently")
    json_differ = labelled.json_differences(JSON_STEP)
    log(f"features read back from JSON: {len(json_differ)} lookups ranked differently")
    two_step_differ, batches = labelled.two_step_differences(TWO_STEP_STEP)
    second = sum(len(loaded) > 1 for loaded in batches)
    log(
        f"read in two steps: {len(two_step_differ)} of {len(batches)} lookups ranked "
        f"differently; {second} read a second batch"
    )
    backlog = len(labelled.backlog())
    return [
        {
            "name": f"{WHAT}: pairs flagged differently with the prefilter from 100 candidates "
            "than scoring every candidate",
            "value": len(prefiltered),
            "unit": "pairs",
            "budget": NONE_DIFFER,
        },
        {
            "name": f"{WHAT}: lookups ranked differently from features read back from JSON "
            f"(every {JSON_STEP}th of {backlog} texts)",
            "value": len(json_differ),
            "unit": "lookups",
            "budget": NONE_DIFFER,
        },
        {
            "name": f"{WHAT}: lookups ranked differently with candidates read in two steps "
            f"(every {TWO_STEP_STEP}th of {backlog} texts)",
            "value": len(two_step_differ),
            "unit": "lookups",
            "budget": NONE_DIFFER,
        },
        {
            "name": f"{WHAT}: lookups read in two steps that read a second batch "
            f"(of {len(batches)})",
            "value": second,
            "unit": "lookups",
            "budget": {"op": ">=", "limit": 1},
        },
    ]


def measure():
    """Every row, with the seconds the whole labelled set takes to rank (informational)."""
    from roundtable.suggestions.similarity import DUPLICATE_THRESHOLD
    from roundtable.suggestions.tests import labelled

    started = time.perf_counter()
    with labelled.setting("PREFILTER_FROM", float("inf")):
        scores = [labelled.rank_score(i) for i in range(len(labelled.PAIRS))]
    seconds = time.perf_counter() - started
    log(f"ranked {len(scores)} pairs in {seconds:.1f} s")
    labels = [row["label"] == "1" for row in labelled.PAIRS]
    scored = list(zip(scores, labels, strict=True))
    return [
        *quality_rows(scored, DUPLICATE_THRESHOLD),
        *shortcut_rows(scores),
        {
            "name": f"{WHAT}: ranking each of the {len(scores)} pairs against "
            f"{len(labelled.backlog()) - 1} candidates, mean",
            "value": round(1000 * seconds / len(scores), 1),
            "unit": "ms",
        },
    ]


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "roundtable.settings")
    import django

    django.setup()
    print(json.dumps(measure(), ensure_ascii=False))


if __name__ == "__main__":
    main()
