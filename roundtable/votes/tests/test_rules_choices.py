"""Which choices each voting method accepts, their normalised form, and the refusals by code."""

import pytest

from roundtable.votes.rules import InvalidChoice, Method, to_json, validate

OPTIONS = (1, 2, 3, 4)


@pytest.mark.parametrize(
    ("method", "choice", "expected"),
    [
        ("yes_no", "yes", "yes"),
        ("yes_no", " Abstain ", "abstain"),
        ("single", 2, 2),
        ("single", "2", 2),  # a form post
        ("multiple", [1, 3], frozenset({1, 3})),
        ("multiple", ["1", "3"], frozenset({1, 3})),
        ("approval", [1, 2, 3, 4], frozenset(OPTIONS)),
        ("ranked", [3, 1], (3, 1)),  # partial: 2 and 4 rank below both
        ("ranked", {"1": "2", "3": "1", "2": "", "4": None}, (3, 1)),  # rank boxes, blanks unranked
        ("ranked", {1: 5, 2: 1}, (2, 1)),  # gaps in the rank numbers are allowed
        ("score", {1: 5, 2: "3"}, {1: 5, 2: 3}),  # partial: 3 and 4 unscored
        ("score", {"1": 1, "2": "", "4": 5}, {1: 1, 4: 5}),
    ],
)
def test_valid_choices_are_normalised(method, choice, expected):
    assert validate(method, OPTIONS, choice, max_choices=2) == expected


@pytest.mark.parametrize(
    ("method", "choice", "code"),
    [
        ("yes_no", "maybe", "unknown_option"),
        ("yes_no", "", "empty"),
        ("yes_no", ["yes"], "malformed"),
        ("single", 9, "unknown_option"),
        ("single", None, "empty"),
        ("single", [1], "malformed"),
        ("single", True, "malformed"),  # True == 1 in Python; not an option id
        ("multiple", [1, 2, 3], "too_many"),
        ("multiple", [1, 1], "duplicate_option"),
        ("multiple", [], "empty"),
        ("multiple", "12", "malformed"),
        ("approval", [1, 7], "unknown_option"),
        ("ranked", [1, 2, 1], "duplicate_rank"),
        ("ranked", {1: 1, 2: 1}, "duplicate_rank"),
        ("ranked", {1: "", 2: None}, "empty"),
        ("ranked", {1: "first"}, "malformed"),
        ("ranked", {1: 0}, "malformed"),
        ("ranked", [5], "unknown_option"),
        ("score", {1: 6}, "score_range"),
        ("score", {1: 0}, "score_range"),
        ("score", {1: 4.5}, "malformed"),
        ("score", {9: 3}, "unknown_option"),
        ("score", [1, 2], "malformed"),
        ("score", {}, "empty"),
    ],
)
def test_invalid_choices_are_refused_with_a_code(method, choice, code):
    with pytest.raises(InvalidChoice) as refused:
        validate(method, OPTIONS, choice, max_choices=2)
    assert refused.value.code == code
    assert "%(" not in str(refused.value)  # the English message is filled in


def test_a_ranking_longer_than_max_choices_is_too_many():
    with pytest.raises(InvalidChoice) as refused:
        validate("ranked", OPTIONS, [1, 2, 3], max_choices=2)
    assert (refused.value.code, refused.value.params) == ("too_many", {"limit": 2, "given": 3})


def test_refusal_names_the_offending_option():
    with pytest.raises(InvalidChoice) as refused:
        validate("approval", OPTIONS, [1, 7])
    assert refused.value.params == {"option": 7}
    assert str(refused.value) == "7 is not one of this poll's options."


def test_approval_has_no_limit_even_when_max_choices_is_set():
    assert validate("approval", OPTIONS, [1, 2, 3], max_choices=1) == frozenset({1, 2, 3})


def test_string_option_ids_work_as_well_as_integers():
    assert validate("ranked", ("a", "b", "c"), ["c", "a"]) == ("c", "a")


def test_unknown_method_is_a_programming_error():
    with pytest.raises(ValueError, match="borda"):
        validate("borda", OPTIONS, 1)


@pytest.mark.parametrize(
    ("method", "choice"),
    [
        (Method.YES_NO, "no"),
        (Method.SINGLE, 3),
        (Method.MULTIPLE, frozenset({4, 1})),
        (Method.APPROVAL, frozenset({2})),
        (Method.RANKED, (4, 2, 1)),
        (Method.SCORE, {2: 4, 3: 1}),
    ],
)
def test_the_stored_json_form_reads_back_as_the_same_choice(method, choice):
    import json

    stored = json.loads(json.dumps(to_json(method, choice)))
    assert validate(method, OPTIONS, stored) == choice
