"""Deadlines in working days, from the editable holiday calendar."""

from roundtable.workdays.calendar import load_calendar


def after_working_days(start, days):
    """The resolve-by deadline: the end of the `days`-th working day after `start`."""
    return load_calendar().add_working_days(start, days)
