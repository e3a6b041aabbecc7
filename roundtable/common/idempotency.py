"""Idempotency keys: a form posted twice (a retry after a lost answer) stores one thing.

The form carries a random key in a hidden field, made when the form is rendered; a re-rendered
form (after an error) keeps it. The model stores the key beside the person who posted it, under a
unique constraint, and the action, holding a lock on that person, returns what the key already
made instead of making it again. Works without JavaScript: the key is in the page itself.
"""

import re
import secrets

from django import forms
from django.db import models
from django.db.models import Q

KEY_FIELD = "idempotency_key"
KEY_LENGTH = 32
_KEY = re.compile(r"[0-9a-f]{32}")


def new_key():
    """A fresh key: 128 random bits in hex."""
    return secrets.token_hex(KEY_LENGTH // 2)


class IdempotencyKeyField(forms.CharField):
    """A hidden field holding the form's key; cleans to the key, or "" when it is not one.

    A missing or altered key is not an error a person could correct: the post is then simply not
    protected against a second send.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(required=False, initial=new_key, max_length=64, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        return value if _KEY.fullmatch(value) else ""


def key_model_field():
    """The model field that keeps a posted key ("" for what came with none)."""
    return models.CharField(max_length=KEY_LENGTH, blank=True, default="", editable=False)


def unique_key_per_person(person_field, *, name, condition=None):
    """One row per person and key (rows without a key are not constrained).

    The key leads the index, so a lookup by key finds its row by the index whichever person
    field it is scoped by; led by the person, a lookup by key read every keyed row.
    """
    keyed = ~Q(**{KEY_FIELD: ""})
    return models.UniqueConstraint(
        fields=[KEY_FIELD, person_field],
        condition=keyed & condition if condition is not None else keyed,
        name=name,
    )
