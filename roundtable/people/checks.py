"""`check --deploy`: the login limits must be counted in one cache by every serving process."""

from django.conf import settings
from django.core import checks

# Each process has its own: a counter in them is a counter per gunicorn worker.
LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


def shared_cache(caches):
    return caches["default"]["BACKEND"] not in LOCAL_CACHES


@checks.register(checks.Tags.security, deploy=True)
def check_login_limits_cache(app_configs, **kwargs):
    """Several processes, or an undeclared number of them, need a shared cache (REDIS_URL…)."""
    if settings.DEBUG or settings.WEB_CONCURRENCY == 1 or shared_cache(settings.CACHES):
        return []
    return [
        checks.Error(
            (
                "The login limits are counted in a local-memory cache, one per process: with "
                "several gunicorn workers each counts its own wrong codes and passwords."
            ),
            hint=(
                "Set REDIS_URL (or CACHE_TABLE for Django's database cache, then run "
                "`manage.py createcachetable`); or, if one process serves, declare "
                "WEB_CONCURRENCY=1, which gunicorn reads as its number of workers."
            ),
            id="people.E001",
        )
    ]
