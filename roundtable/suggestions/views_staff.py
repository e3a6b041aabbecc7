"""What the staff pages share: running an action from a form (likely duplicates: duplicates.py)."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from .actions import InvalidTransition


def run_action(request, form, call, success):
    """Call the action with the form's data; a refusal goes on the form and nothing changes."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except InvalidTransition as error:
        messages.error(request, str(error))  # the status moved on: the form itself is fine
        return False
    except ValidationError as error:
        form.add_error(None, error.messages)
        return False
    messages.success(request, success % form.cleaned_data)
    return True
