"""The arithmetic of polls, with no Django: valid choices, tallies, runoffs and decision rules.

choices   methods, validation of one choice, its JSON form
weights   Totals (area, heads), Ballot and pre-aggregated Row, exact areas
counting  per-option totals in votes, heads and area, by group and channel
irv       instant runoff, round by round
schulze   pairwise matrix, strongest paths, ranking
decision  rules (Art. 278, 居民会议 …), non-voter policies, conditions with their numbers
display   "68.2% ≥ 66.7% ✓"
"""

from .choices import SCORE_MAX, SCORE_MIN, InvalidChoice, Method, to_json, validate
from .counting import Score, Tally, Weight, breakdown, count
from .decision import (
    Condition,
    Counts,
    Decision,
    NonVoterPolicy,
    Rule,
    adjust,
    condition,
    conditions_for,
    decide,
    decide_tally,
)
from .display import percent, percents, render
from .irv import Round, Runoff, instant_runoff
from .schulze import Schulze, pairwise, schulze_ranking, strongest_paths
from .weights import Ballot, Measure, Row, Totals, as_rows, merge, to_fraction

__all__ = [
    "SCORE_MAX",
    "SCORE_MIN",
    "Ballot",
    "Condition",
    "Counts",
    "Decision",
    "InvalidChoice",
    "Measure",
    "Method",
    "NonVoterPolicy",
    "Round",
    "Row",
    "Rule",
    "Runoff",
    "Schulze",
    "Score",
    "Tally",
    "Totals",
    "Weight",
    "adjust",
    "as_rows",
    "breakdown",
    "condition",
    "conditions_for",
    "count",
    "decide",
    "decide_tally",
    "instant_runoff",
    "merge",
    "pairwise",
    "percent",
    "percents",
    "render",
    "schulze_ranking",
    "strongest_paths",
    "to_fraction",
    "to_json",
    "validate",
]
