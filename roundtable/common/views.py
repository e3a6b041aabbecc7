"""What every app's views share: the form data of a POST, and running an action so that a
refusal is shown to the person and changes nothing."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from .actions import InvalidTransition


def posted(request):
    """The form data of a POST (even an empty one, which is still a submission), else None."""
    return request.POST if request.method == "POST" else None


def run(request, call, form=None, success="", *, refusal=str):
    """Call the action; a refusal goes on the form (or in a message) and changes nothing.

    `refusal(error)` words an InvalidTransition in the app's terms. Returns the action's result
    (True when it returns None), or None when it was refused.
    """
    try:
        result = call()
    except InvalidTransition as error:
        messages.error(request, refusal(error))  # it moved on meanwhile: the input itself is fine
    except ValidationError as error:
        if form is None:
            for message in error.messages:
                messages.error(request, message)
        else:
            form.add_error(None, error.messages)
    else:
        if success:
            messages.success(request, success)
        return result if result is not None else True
    return None
