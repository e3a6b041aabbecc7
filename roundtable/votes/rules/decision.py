"""Decision rules: whether a poll passed, each condition with its numbers, in exact arithmetic.

Inputs are `Totals` (exclusive area in m², headcount) of the electorate (everyone in scope), of
those who took part, of those who agreed and of those against. `against` defaults to everyone who
took part and did not agree; given, the rest of the participants abstained.

Rules (conditions all must hold; "以上" includes the boundary, "过半数" is strictly more than half):
- votes_cast_majority: agreed heads > 1/2 of votes cast (agreed + against; abstentions left out).
- electorate_majority: agreed heads > 1/2 of the electorate's heads.
- two_thirds: agreed heads ≥ 2/3 of votes cast.
- custom: optional quorum, participating heads ≥ quorum × electorate heads; then agreed heads
  ≥ threshold × votes cast (> with strict=True).
- residents_meeting (居委会组织法 Arts. 9–10): attendance > 1/2 of the electorate (adult residents
  or household representatives), and agreed > 1/2 of those present.
- art278_ordinary / art278_special (民法典 Art. 278, DOMAIN.md §4), in area and in heads:
  quorum      3·A_p ≥ 2·A_tot  and  3·N_p ≥ 2·N_tot
  special     4·A_y ≥ 3·A_p    and  4·N_y ≥ 3·N_p      (matters (6)–(8))
  ordinary    2·A_y > A_p      and  2·N_y > N_p
A condition whose denominator is zero does not hold: with nobody to count, nothing is decided.

Non-voters (the electorate minus those who took part), as the owners' rules may direct:
- not_counted (default): they count nowhere.
- follow_majority: they are deemed to have voted with the side (agree or against) that more of
  the participants took, separately in area and in heads; where the two sides are level there is
  no majority to follow and they stay non-voters.
- objection_only: only an explicit "against" counts against; everyone else in scope, non-voters
  and abstainers included, is deemed to agree and to have taken part.
The raw counts are always returned beside the adjusted ones, with the conditions on both, because
a non-default policy must be shown next to what people actually did.
"""

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from .weights import Totals, to_fraction

HALF = Fraction(1, 2)
TWO_THIRDS = Fraction(2, 3)
THREE_QUARTERS = Fraction(3, 4)


class Rule(StrEnum):
    VOTES_CAST_MAJORITY = "votes_cast_majority"
    ELECTORATE_MAJORITY = "electorate_majority"
    TWO_THIRDS = "two_thirds"
    CUSTOM = "custom"
    RESIDENTS_MEETING = "residents_meeting"
    ART278_ORDINARY = "art278_ordinary"
    ART278_SPECIAL = "art278_special"


class NonVoterPolicy(StrEnum):
    NOT_COUNTED = "not_counted"
    FOLLOW_MAJORITY = "follow_majority"
    OBJECTION_ONLY = "objection_only"


@dataclass(frozen=True)
class Counts:
    """Who was in scope, took part, agreed and was against; checked to nest inside each other."""

    electorate: Totals
    participated: Totals
    agreed: Totals
    against: Totals

    def __post_init__(self):
        parts = (self.electorate, self.participated, self.agreed, self.against)
        if any(part.is_negative() for part in parts):
            raise ValueError(f"negative counts: {self!r}")
        if not self.electorate.covers(self.participated):
            raise ValueError(f"more took part than are in scope: {self!r}")
        if not self.participated.covers(self.agreed + self.against):
            raise ValueError(f"more agreed and were against than took part: {self!r}")

    @property
    def abstained(self) -> Totals:
        return self.participated - self.agreed - self.against

    @property
    def non_voters(self) -> Totals:
        return self.electorate - self.participated

    @property
    def cast(self) -> Totals:
        return self.agreed + self.against


@dataclass(frozen=True)
class Condition:
    """numerator / denominator compared with `required`; `share` is None when nothing to divide."""

    code: str
    numerator: Fraction
    denominator: Fraction
    required: Fraction
    operator: str  # ">=" or ">"
    holds: bool
    share: Fraction | None


@dataclass(frozen=True)
class Decision:
    passed: bool
    conditions: tuple[Condition, ...]  # on the adjusted counts: these decide
    raw: Counts
    adjusted: Counts
    rule: Rule
    policy: NonVoterPolicy
    raw_conditions: tuple[Condition, ...]  # the same conditions on what people actually did


def condition(code, numerator, denominator, required, operator) -> Condition:
    """Compare by cross-multiplying (n·q ≥ p·d for required p/q), as DOMAIN.md writes Art. 278."""
    numerator, denominator = Fraction(numerator), Fraction(denominator)
    required = to_fraction(required)
    left = numerator * required.denominator
    right = required.numerator * denominator
    if operator == ">=":
        holds = left >= right
    elif operator == ">":
        holds = left > right
    else:
        raise ValueError(f"unknown operator {operator!r}")
    share = numerator / denominator if denominator else None
    return Condition(
        code, numerator, denominator, required, operator, holds and denominator > 0, share
    )


def decide(
    rule,
    electorate: Totals,
    participated: Totals,
    agreed: Totals,
    against: Totals | None = None,
    *,
    policy=NonVoterPolicy.NOT_COUNTED,
    quorum=None,
    threshold=None,
    strict=False,
) -> Decision:
    """Apply `rule` to the counts after the non-voter `policy`; see the module docstring."""
    rule, policy = Rule(rule), NonVoterPolicy(policy)
    if against is None:
        against = participated - agreed
    raw = Counts(electorate, participated, agreed, against)
    adjusted = adjust(raw, policy)
    custom = _custom_shares(rule, quorum, threshold)
    conditions = conditions_for(rule, adjusted, *custom, strict=strict)
    raw_conditions = conditions_for(rule, raw, *custom, strict=strict)
    passed = all(c.holds for c in conditions)
    return Decision(passed, conditions, raw, adjusted, rule, policy, raw_conditions)


def decide_tally(rule, electorate: Totals, tally, option="yes", **kwargs) -> Decision:
    """decide() on a counting.Tally: agreed is `option`; against is "no" in a yes/no poll."""
    against = tally.totals("no") if tally.method == "yes_no" else None
    return decide(rule, electorate, tally.cast.totals, tally.totals(option), against, **kwargs)


def _custom_shares(rule, quorum, threshold):
    if rule != Rule.CUSTOM:
        if quorum is not None or threshold is not None:
            raise ValueError(f"quorum and threshold belong to the custom rule, not {rule}")
        return None, None
    if threshold is None:
        raise ValueError("the custom rule needs a threshold")
    shares = [None if v is None else to_fraction(v) for v in (quorum, threshold)]
    if any(share is not None and not 0 <= share <= 1 for share in shares):
        raise ValueError(f"quorum and threshold are shares between 0 and 1: {shares!r}")
    return shares


def adjust(counts: Counts, policy) -> Counts:
    """The counts as the non-voter policy reads them (see the module docstring)."""
    policy = NonVoterPolicy(policy)
    absent = counts.non_voters
    if policy == NonVoterPolicy.OBJECTION_ONLY:
        return Counts(
            counts.electorate, counts.electorate, counts.electorate - counts.against, counts.against
        )
    if policy == NonVoterPolicy.FOLLOW_MAJORITY:
        yes, no = counts.agreed, counts.against
        to_yes = Totals(
            _if(yes.area > no.area, absent.area), _if(yes.heads > no.heads, absent.heads)
        )
        to_no = Totals(
            _if(no.area > yes.area, absent.area), _if(no.heads > yes.heads, absent.heads)
        )
        return Counts(
            counts.electorate, counts.participated + to_yes + to_no, yes + to_yes, no + to_no
        )
    return counts


def _if(majority, amount):
    return amount if majority else 0


def conditions_for(rule, c: Counts, quorum=None, threshold=None, *, strict=False):
    """The conditions `rule` sets, evaluated on counts `c`."""
    rule = Rule(rule)
    if rule == Rule.VOTES_CAST_MAJORITY:
        return (condition("agreement_votes", c.agreed.heads, c.cast.heads, HALF, ">"),)
    if rule == Rule.ELECTORATE_MAJORITY:
        return (condition("agreement_electorate", c.agreed.heads, c.electorate.heads, HALF, ">"),)
    if rule == Rule.TWO_THIRDS:
        return (condition("agreement_votes", c.agreed.heads, c.cast.heads, TWO_THIRDS, ">="),)
    if rule == Rule.CUSTOM:
        return _custom(c, quorum, threshold, strict)
    if rule == Rule.RESIDENTS_MEETING:
        return (
            condition("attendance", c.participated.heads, c.electorate.heads, HALF, ">"),
            condition("agreement_heads", c.agreed.heads, c.participated.heads, HALF, ">"),
        )
    return _art278(c, special=rule == Rule.ART278_SPECIAL)


def _custom(c, quorum, threshold, strict):
    agreement = condition(
        "agreement_votes", c.agreed.heads, c.cast.heads, threshold, ">" if strict else ">="
    )
    if quorum is None:
        return (agreement,)
    return (condition("quorum", c.participated.heads, c.electorate.heads, quorum, ">="), agreement)


def _art278(c, *, special):
    required, operator = (THREE_QUARTERS, ">=") if special else (HALF, ">")
    return (
        condition("participation_area", c.participated.area, c.electorate.area, TWO_THIRDS, ">="),
        condition(
            "participation_heads", c.participated.heads, c.electorate.heads, TWO_THIRDS, ">="
        ),
        condition("agreement_area", c.agreed.area, c.participated.area, required, operator),
        condition("agreement_heads", c.agreed.heads, c.participated.heads, required, operator),
    )
