"""The voting methods and what a valid choice is in each; invalid choices are refused by code.

Normalised choices, the one form counting accepts (and the stored JSON form read back):
- yes_no: "yes", "no" or "abstain"
- single: one option id
- multiple (up to `max_choices`) and approval (any number): a frozenset of option ids
- ranked: a tuple of option ids, most preferred first; partial rankings are allowed (the options
  left out rank below every ranked one). A mapping option → rank number, as a form with one rank
  box per option sends it, is accepted too; gaps in the numbers are allowed, repeats are not.
- score: a dict option id → 1..5; options may be left unscored (blank), so an option's mean is
  over the ballots that scored it, and a ballot must score at least one option.

A blank ballot is refused ("empty") in every method: abstaining is "abstain" in yes_no, or not
voting. Option ids may arrive as strings (form posts, JSON object keys) for integer ids: "3"
means option 3.

`InvalidChoice` carries a `code` and English `params`; the Django side translates by code.
"""

from collections.abc import Hashable, Mapping, Sequence, Sized
from enum import StrEnum

SCORE_MIN = 1
SCORE_MAX = 5
YES_NO = ("yes", "no", "abstain")


class Method(StrEnum):
    YES_NO = "yes_no"
    SINGLE = "single"
    MULTIPLE = "multiple"
    APPROVAL = "approval"
    RANKED = "ranked"
    SCORE = "score"


class InvalidChoice(ValueError):
    """A choice that does not fit the poll; `code` names why, `params` fill the message."""

    MESSAGES = {
        "empty": "No option was chosen.",
        "unknown_option": "%(option)s is not one of this poll's options.",
        "too_many": "At most %(limit)d options may be chosen; %(given)d were.",
        "duplicate_option": "%(option)s is chosen more than once.",
        "duplicate_rank": (
            "Each option is ranked once and each rank used once (%(option)s, rank %(rank)s)."
        ),
        "score_range": "Scores run from %(low)d to %(high)d; %(score)s is outside.",
        "malformed": "This answer does not have the form a %(method)s poll expects.",
    }

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        self.message = self.MESSAGES[code]
        super().__init__(self.message % _Lenient(params))


class _Lenient(dict):
    """Fills a message's placeholders that a particular refusal leaves out with "?"."""

    def __missing__(self, key):
        return "?"


def validate(method, option_ids: Sequence[Hashable], choice, *, max_choices=None):
    """The normalised form of `choice` in a poll of `method` over `option_ids`, or InvalidChoice."""
    method = Method(method)
    if _blank(choice):
        raise InvalidChoice("empty")
    if method == Method.YES_NO:
        return _yes_no(choice)
    lookup = _Lookup(option_ids)
    if method == Method.SINGLE:
        if not _scalar(choice):
            raise InvalidChoice("malformed", method=method.value)
        return lookup(choice)
    if method in (Method.MULTIPLE, Method.APPROVAL):
        limit = max_choices if method == Method.MULTIPLE else None
        return _chosen_set(lookup, choice, limit, method)
    if method == Method.RANKED:
        return _ranking(lookup, choice, max_choices, method)
    return _scores(lookup, choice, method)


def _blank(value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    return isinstance(value, Sized) and not isinstance(value, str) and len(value) == 0


def _scalar(value):
    return isinstance(value, str | int) and not isinstance(value, bool)


def _yes_no(choice):
    if not isinstance(choice, str):
        raise InvalidChoice("malformed", method=Method.YES_NO.value)
    value = choice.strip().lower()
    if value not in YES_NO:
        raise InvalidChoice("unknown_option", option=choice)
    return value


class _Lookup:
    """Finds an option by its id, or by the id's text (form posts and JSON keys are strings)."""

    def __init__(self, option_ids):
        self.ids = set(option_ids)
        if len(self.ids) != len(option_ids):
            raise ValueError(f"option ids repeat: {list(option_ids)!r}")
        self.by_text = {str(option): option for option in option_ids}

    def __call__(self, value):
        if not _scalar(value):
            raise InvalidChoice("unknown_option", option=repr(value))
        if value in self.ids:
            return value
        found = self.by_text.get(str(value).strip())
        if found is None:
            raise InvalidChoice("unknown_option", option=value)
        return found


def _items(choice, method):
    """The elements of a list-like choice; a lone string or number is not one."""
    if _scalar(choice) or isinstance(choice, Mapping):
        raise InvalidChoice("malformed", method=method.value)
    return list(choice)


def _chosen_set(lookup, choice, limit, method):
    chosen = [lookup(value) for value in _items(choice, method)]
    seen = set()
    for option in chosen:
        if option in seen:
            raise InvalidChoice("duplicate_option", option=option)
        seen.add(option)
    if limit is not None and len(seen) > limit:
        raise InvalidChoice("too_many", limit=limit, given=len(seen))
    return frozenset(seen)


def _ranking(lookup, choice, limit, method):
    if isinstance(choice, Mapping):
        order = _order_from_rank_numbers(lookup, choice, method)
    else:
        order = [lookup(value) for value in _items(choice, method)]
    seen = set()
    for place, option in enumerate(order, start=1):
        if option in seen:
            raise InvalidChoice("duplicate_rank", option=option, rank=place)
        seen.add(option)
    if limit is not None and len(order) > limit:
        raise InvalidChoice("too_many", limit=limit, given=len(order))
    return tuple(order)


def _order_from_rank_numbers(lookup, choice, method):
    """Options sorted by the rank number given to each; blank boxes are unranked."""
    ranked = {}
    for key, rank in choice.items():
        if _blank(rank):
            continue
        number = _whole(rank, method)
        if number < 1:
            raise InvalidChoice("malformed", method=method.value)
        option = lookup(key)
        if number in ranked:
            raise InvalidChoice("duplicate_rank", option=option, rank=number)
        ranked[number] = option
    if not ranked:
        raise InvalidChoice("empty")
    return [ranked[number] for number in sorted(ranked)]


def _whole(value, method):
    """An int from an int or a string of digits (form posts)."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InvalidChoice("malformed", method=method.value)


def _scores(lookup, choice, method):
    if not isinstance(choice, Mapping):
        raise InvalidChoice("malformed", method=method.value)
    scores = {}
    for key, value in choice.items():
        if _blank(value):
            continue
        score = _whole(value, method)
        if not SCORE_MIN <= score <= SCORE_MAX:
            raise InvalidChoice("score_range", low=SCORE_MIN, high=SCORE_MAX, score=score)
        option = lookup(key)
        if option in scores:
            raise InvalidChoice("duplicate_option", option=option)
        scores[option] = score
    if not scores:
        raise InvalidChoice("empty")
    return scores


def to_json(method, choice):
    """A normalised choice as JSON can hold it (sets and tuples become lists, in a stable order)."""
    method = Method(method)
    if method in (Method.MULTIPLE, Method.APPROVAL):
        return sorted(choice, key=str)
    if method == Method.RANKED:
        return list(choice)
    if method == Method.SCORE:
        return {str(option): score for option, score in choice.items()}
    return choice
