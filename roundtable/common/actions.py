"""What every app's actions share: "not possible now", refusing bad input, and the caller's
instance brought up to date with the row saved under the lock."""

from django.core.exceptions import ValidationError


class InvalidTransition(Exception):
    """`action` is not possible in the present `status`: "not possible now", as distinct from
    "not allowed" (PermissionDenied). Each app's pages word it with their labels (`refusal`)."""

    def __init__(self, status, action):
        self.status, self.action = status, action
        super().__init__(f"{action} is not possible in status {status}")


def check(condition, message):
    """Refuse bad input with a message the person can act on."""
    if not condition:
        raise ValidationError(message)


def refresh(obj, current):
    """Copy the fields of `current`, the row saved under the lock, onto the caller's `obj`."""
    obj.__dict__.update({k: v for k, v in current.__dict__.items() if not k.startswith("_")})
    return obj
