"""`check --deploy`: the audit chain's key must be its own secret in production."""

from django.conf import settings
from django.core import checks

MIN_KEY_LENGTH = 32


@checks.register(checks.Tags.security, deploy=True)
def check_audit_key(app_configs, **kwargs):
    key = settings.AUDIT_KEY
    if not key:
        return [
            checks.Warning(
                (
                    "AUDIT_KEY is not set: the audit chain is keyed with a key derived from "
                    "SECRET_KEY, and changing SECRET_KEY would break it."
                ),
                hint=(
                    "Set AUDIT_KEY to a long random secret kept out of the database, before "
                    "the first head is published (README: the audit anchor)."
                ),
                id="audit.W001",
            )
        ]
    if len(key) < MIN_KEY_LENGTH or key == settings.SECRET_KEY:
        return [
            checks.Warning(
                "AUDIT_KEY is shorter than 32 characters or the same as SECRET_KEY.",
                hint=(
                    'Use a long random secret of its own, e.g. python -c "import secrets; '
                    'print(secrets.token_urlsafe(48))".'
                ),
                id="audit.W002",
            )
        ]
    return []
