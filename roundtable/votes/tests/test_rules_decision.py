"""Decision rules worked by hand at every boundary, each condition failing on its own by the
smallest margin (0.01 m² of area, one owner), and a reference implementation checked by hypothesis.

The Art. 278 cases use an electorate of 1,200.00 m² and 12 owners; the boundaries are then
2/3 → 800 m² and 8 owners taking part, 3/4 of those → 600 m² and 6, half → 400 m² and 4.
"""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roundtable.votes.rules import Ballot, Totals, count, decide, decide_tally, render

ELECTORATE = Totals(Decimal("1200.00"), 12)


def T(area, heads):  # noqa: N802 — reads like the Totals it builds
    return Totals(Decimal(area), heads)


def failing(decision):
    return [c.code for c in decision.conditions if not c.holds]


@pytest.mark.parametrize(
    ("participated", "agreed", "fails"),
    [
        (T("800.00", 8), T("600.00", 6), []),  # every condition exactly at its boundary
        (T("799.99", 8), T("600.00", 6), ["participation_area"]),
        (T("800.00", 7), T("600.00", 6), ["participation_heads"]),
        (T("800.00", 8), T("599.99", 6), ["agreement_area"]),
        (T("800.00", 8), T("600.00", 5), ["agreement_heads"]),
    ],
)
def test_art278_special_matters_at_two_thirds_and_three_quarters(participated, agreed, fails):
    decision = decide("art278_special", ELECTORATE, participated, agreed)
    assert failing(decision) == fails
    assert decision.passed is (fails == [])


@pytest.mark.parametrize(
    ("participated", "agreed", "fails"),
    [
        (T("800.00", 8), T("400.01", 5), []),  # just over half, in area and in heads
        (T("799.99", 8), T("400.01", 5), ["participation_area"]),
        (T("800.00", 7), T("400.01", 5), ["participation_heads"]),
        (T("800.00", 8), T("400.00", 5), ["agreement_area"]),  # exactly half is not 过半数
        (T("800.00", 8), T("400.01", 4), ["agreement_heads"]),
    ],
)
def test_art278_ordinary_matters_need_strictly_more_than_half(participated, agreed, fails):
    decision = decide("art278_ordinary", ELECTORATE, participated, agreed)
    assert failing(decision) == fails


def test_art278_two_thirds_of_an_area_not_divisible_by_three():
    electorate = T("1000.00", 3)
    held = decide("art278_ordinary", electorate, T("666.67", 2), T("666.67", 2))
    short = decide("art278_ordinary", electorate, T("666.66", 2), T("666.66", 2))
    assert held.passed
    assert failing(short) == ["participation_area"]


def test_art278_conditions_carry_their_numbers():
    decision = decide("art278_special", ELECTORATE, T("818.40", 9), T("700.00", 7))
    area = decision.conditions[0]
    assert (area.code, area.numerator, area.denominator) == (
        "participation_area",
        Fraction("818.40"),
        Fraction(1200),
    )
    assert (area.required, area.operator, area.share) == (Fraction(2, 3), ">=", Fraction(682, 1000))
    assert render(area) == "68.2% ≥ 66.7% ✓"
    assert [render(c) for c in decision.conditions[1:]] == [
        "75.0% ≥ 66.7% ✓",
        "85.5% ≥ 75.0% ✓",
        "77.8% ≥ 75.0% ✓",
    ]


@pytest.mark.parametrize(
    ("present", "agreed", "fails"),
    [
        (51, 26, []),
        (50, 26, ["attendance"]),  # exactly half of 100 attending is not more than half
        (52, 26, ["agreement_heads"]),  # exactly half of those present
        (51, 25, ["agreement_heads"]),
    ],
)
def test_residents_meeting_more_than_half_attend_and_more_than_half_of_them_agree(
    present, agreed, fails
):
    decision = decide("residents_meeting", T(0, 100), T(0, present), T(0, agreed))
    assert failing(decision) == fails


def test_residents_meeting_with_an_odd_number_of_households():
    assert decide("residents_meeting", T(0, 101), T(0, 51), T(0, 26)).passed
    assert failing(decide("residents_meeting", T(0, 101), T(0, 50), T(0, 26))) == ["attendance"]


def test_majority_of_votes_cast_leaves_abstentions_out():
    electorate = T(0, 200)
    assert decide("votes_cast_majority", electorate, T(0, 121), T(0, 11), T(0, 10)).passed
    assert not decide("votes_cast_majority", electorate, T(0, 25), T(0, 10), T(0, 10)).passed
    # Without `against`, everyone who took part and did not agree is against.
    assert not decide("votes_cast_majority", electorate, T(0, 121), T(0, 11)).passed


def test_majority_of_the_electorate():
    assert not decide("electorate_majority", T(0, 20), T(0, 15), T(0, 10)).passed
    assert decide("electorate_majority", T(0, 20), T(0, 15), T(0, 11)).passed


def test_two_thirds_of_votes_cast_includes_the_boundary():
    assert decide("two_thirds", T(0, 50), T(0, 35), T(0, 20), T(0, 10)).passed
    assert not decide("two_thirds", T(0, 50), T(0, 35), T(0, 19), T(0, 10)).passed


def test_custom_quorum_and_threshold_strict_or_not():
    args = ("custom", T(0, 40), T(0, 20), T(0, 12), T(0, 8))  # half attend, 3/5 of votes agree
    assert decide(*args, quorum="1/2", threshold="3/5").passed
    assert failing(decide(*args, quorum="1/2", threshold="3/5", strict=True)) == ["agreement_votes"]
    assert failing(decide(*args, quorum=Decimal("0.51"), threshold="3/5")) == ["quorum"]
    assert decide(*args, threshold=Fraction(3, 5)).conditions[0].code == "agreement_votes"


@pytest.mark.parametrize(
    ("rule", "kwargs"),
    [
        ("custom", {}),
        ("custom", {"threshold": "3/2"}),
        ("two_thirds", {"quorum": "1/2"}),
        ("art278_special", {"threshold": "3/4"}),
        ("custom", {"threshold": 0.6}),  # floats are refused
    ],
)
def test_misconfigured_rules_are_refused(rule, kwargs):
    with pytest.raises((ValueError, TypeError)):
        decide(rule, T(0, 10), T(0, 5), T(0, 3), **kwargs)


@pytest.mark.parametrize(
    ("participated", "agreed", "against"),
    [
        (T("1300", 8), T("600", 6), None),  # more area took part than is in scope
        (T("800", 8), T("600", 9), None),  # more agreed than took part
        (T("800", 8), T("600", 6), T("300", 2)),  # agreed and against exceed participants
    ],
)
def test_counts_that_do_not_nest_are_refused(participated, agreed, against):
    with pytest.raises(ValueError):
        decide("art278_ordinary", ELECTORATE, participated, agreed, against)


def test_nobody_taking_part_decides_nothing():
    decision = decide("art278_special", ELECTORATE, T(0, 0), T(0, 0))
    assert not decision.passed
    agreement = decision.conditions[2]
    assert agreement.share is None and not agreement.holds
    assert render(agreement) == "— ≥ 75.0% ✗"


# Non-voter policies: raw counts always kept beside the adjusted ones


def test_follow_majority_adds_non_voters_to_the_side_most_participants_took():
    raw = (ELECTORATE, T("600", 6), T("500", 5), T("100", 1))
    decision = decide("art278_special", *raw, policy="follow_majority")
    assert decision.adjusted.participated == ELECTORATE
    assert decision.adjusted.agreed == T("1100", 11)
    assert decision.adjusted.against == T("100", 1)
    assert decision.passed
    assert decision.raw.participated == T("600", 6)  # what people actually did, kept
    assert [c.holds for c in decision.raw_conditions] == [False, False, True, True]


def test_follow_majority_reads_area_and_heads_separately():
    # By area most participants agreed; by heads most were against.
    decision = decide(
        "art278_ordinary",
        ELECTORATE,
        T("600", 6),
        T("400", 2),
        T("200", 4),
        policy="follow_majority",
    )
    assert decision.adjusted.agreed == T("1000", 2)
    assert decision.adjusted.against == T("200", 10)
    assert failing(decision) == ["agreement_heads"]


def test_follow_majority_with_level_sides_leaves_non_voters_out():
    decision = decide(
        "art278_ordinary",
        ELECTORATE,
        T("600", 6),
        T("300", 3),
        T("300", 3),
        policy="follow_majority",
    )
    assert decision.adjusted == decision.raw


def test_objection_only_counts_everyone_but_explicit_objectors_as_agreeing():
    # 3 owners took part: one agreed, two objected; the nine others are deemed to agree.
    raw = (ELECTORATE, T("300", 3), T("100", 1), T("200", 2))
    decision = decide("art278_special", *raw, policy="objection_only")
    assert decision.adjusted.agreed == T("1000", 10)
    assert decision.adjusted.participated == ELECTORATE
    assert decision.passed
    assert not decide("art278_special", *raw).passed


def test_objection_only_fails_special_matters_once_a_quarter_objects_by_the_smallest_margin():
    at_quarter = decide(
        "art278_special", ELECTORATE, T("300", 3), T(0, 0), T("300", 3), policy="objection_only"
    )
    over = decide(
        "art278_special",
        ELECTORATE,
        T("300.01", 4),
        T(0, 0),
        T("300.01", 4),
        policy="objection_only",
    )
    assert at_quarter.passed  # 900 of 1200 m² and 9 of 12 agree: exactly 3/4
    assert failing(over) == ["agreement_area", "agreement_heads"]


def test_objection_only_counts_abstainers_as_agreeing():
    decision = decide(
        "art278_ordinary", ELECTORATE, T("800", 8), T(0, 0), T("100", 1), policy="objection_only"
    )
    assert decision.adjusted.agreed == T("1100", 11)
    assert decision.raw.abstained == T("700", 7)


def test_decide_on_a_yes_no_tally():
    ballots = [Ballot("yes", Decimal("100"))] * 7 + [Ballot("no", Decimal("100"))] * 1
    ballots += [Ballot("abstain", Decimal("100"))]
    tally = count("yes_no", (), ballots)
    decision = decide_tally("art278_special", ELECTORATE, tally)
    assert decision.raw.participated == T("900", 9)
    assert decision.raw.against == T("100", 1)
    assert decision.raw.abstained == T("100", 1)
    assert decision.passed  # 700 of 900 m² is 77.8%, 7 of 9 owners likewise


# The rules against a deliberately simple reference (division and plain comparisons)


def reference(rule, e, p, y, n, policy, quorum, threshold, strict):
    """Returns (passed, {code: holds}); a policy reads each measure on its own, as a dict."""
    measures = ("area", "heads")
    e, p, y, n = ({m: getattr(t, m) for m in measures} for t in (e, p, y, n))
    if policy == "objection_only":
        p, y = dict(e), {m: e[m] - n[m] for m in measures}
    elif policy == "follow_majority":
        for m in measures:
            absent = e[m] - p[m]
            if y[m] != n[m]:
                p[m] = e[m]
                (y if y[m] > n[m] else n)[m] += absent

    def share(a, b, required, op):
        if b == 0:
            return False
        ratio = Fraction(a) / Fraction(b)
        return ratio > required if op == ">" else ratio >= required

    cast = y["heads"] + n["heads"]
    half, two_thirds = Fraction(1, 2), Fraction(2, 3)
    if rule == "art278_special" or rule == "art278_ordinary":
        need, op = (Fraction(3, 4), ">=") if rule == "art278_special" else (half, ">")
        checks = {
            "participation_area": share(p["area"], e["area"], two_thirds, ">="),
            "participation_heads": share(p["heads"], e["heads"], two_thirds, ">="),
            "agreement_area": share(y["area"], p["area"], need, op),
            "agreement_heads": share(y["heads"], p["heads"], need, op),
        }
    elif rule == "residents_meeting":
        checks = {
            "attendance": share(p["heads"], e["heads"], half, ">"),
            "agreement_heads": share(y["heads"], p["heads"], half, ">"),
        }
    elif rule == "votes_cast_majority":
        checks = {"agreement_votes": share(y["heads"], cast, half, ">")}
    elif rule == "electorate_majority":
        checks = {"agreement_electorate": share(y["heads"], e["heads"], half, ">")}
    elif rule == "two_thirds":
        checks = {"agreement_votes": share(y["heads"], cast, two_thirds, ">=")}
    else:
        checks = {"agreement_votes": share(y["heads"], cast, threshold, ">" if strict else ">=")}
        if quorum is not None:
            checks["quorum"] = share(p["heads"], e["heads"], quorum, ">=")
    return all(checks.values()), checks


RULES = [
    "votes_cast_majority",
    "electorate_majority",
    "two_thirds",
    "custom",
    "residents_meeting",
    "art278_ordinary",
    "art278_special",
]
areas = st.integers(0, 3000).map(lambda cents: Fraction(cents, 100))
shares = st.fractions(min_value=0, max_value=1, max_denominator=12)


@st.composite
def nested_counts(draw):
    """Electorate ⊇ participants ⊇ agreed + against, drawn small so boundaries come up often."""
    e_heads, e_area = draw(st.integers(0, 12)), draw(areas)
    p_heads, p_area = draw(st.integers(0, e_heads)), draw(st.integers(0, 100)) * e_area / 100
    y_heads = draw(st.integers(0, p_heads))
    n_heads = draw(st.integers(0, p_heads - y_heads))
    y_area = draw(st.integers(0, 100)) * p_area / 100
    n_area = draw(st.integers(0, 100)) * (p_area - y_area) / 100
    return tuple(
        Totals(a, h)
        for a, h in ((e_area, e_heads), (p_area, p_heads), (y_area, y_heads), (n_area, n_heads))
    )


@given(
    nested_counts(),
    st.sampled_from(RULES),
    st.sampled_from(["not_counted", "follow_majority", "objection_only"]),
    st.one_of(st.none(), shares),
    shares,
    st.booleans(),
)
@settings(max_examples=1000)
def test_decide_matches_the_reference(counts, rule, policy, quorum, threshold, strict):
    custom = (
        {"quorum": quorum, "threshold": threshold, "strict": strict} if rule == "custom" else {}
    )
    decision = decide(rule, *counts, policy=policy, **custom)
    passed, checks = reference(rule, *counts, policy, quorum, threshold, strict)
    assert {c.code: c.holds for c in decision.conditions} == checks
    assert decision.passed == passed
    assert decision.raw.participated == counts[1]
