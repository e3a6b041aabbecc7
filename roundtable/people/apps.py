from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "roundtable.people"
    verbose_name = _("People")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deploy check)
