from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "roundtable.suggestions"
    verbose_name = _("Suggestions")

    def ready(self):
        from . import reminders  # noqa: F401  (the Reminder model lives outside models.py)
