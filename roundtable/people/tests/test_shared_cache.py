"""The login limits need one cache for every serving process.

Without REDIS_URL each gunicorn worker kept its own counters: two workers allowed 16 wrong codes
where 4 lock the number. Settings refuse a declared worker count above one without a shared
cache, and `check --deploy` fails while the count is not declared.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import Error
from django.test import override_settings

from roundtable.people.checks import check_login_limits_cache

ROOT = Path(__file__).resolve().parents[3]
LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DATABASE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache"}
}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
}


def _settings_load(**variables):
    """Whether roundtable.settings loads with these environment variables (and the error if not)."""
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "CACHE_TABLE"}}
    env.update({"SECRET_KEY": "x" * 50, "DEBUG": "false", "WEB_CONCURRENCY": "", **variables})
    result = subprocess.run(
        [sys.executable, "-c", "import roundtable.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return result.returncode == 0, result.stderr


def test_settings_refuse_several_workers_with_a_local_cache():
    loaded, error = _settings_load(WEB_CONCURRENCY="4")
    assert not loaded
    assert "WEB_CONCURRENCY=4" in error and "REDIS_URL" in error and "CACHE_TABLE" in error


@pytest.mark.parametrize(
    "variables",
    [
        {"WEB_CONCURRENCY": "4", "REDIS_URL": "redis://127.0.0.1:6379/0"},
        {"WEB_CONCURRENCY": "4", "CACHE_TABLE": "roundtable_cache"},
        {"WEB_CONCURRENCY": "1"},
        {"WEB_CONCURRENCY": "4", "DEBUG": "true"},
        {},  # undeclared: `check --deploy` asks for it (the bench and `make run` load like this)
    ],
)
def test_settings_load_with_a_shared_cache_one_worker_debug_or_no_declaration(variables):
    loaded, error = _settings_load(**variables)
    assert loaded, error


@pytest.mark.parametrize(
    ("caches", "workers", "debug"),
    [(REDIS, 0, False), (DATABASE, 8, False), (LOCAL, 1, False), (LOCAL, 0, True)],
)
def test_deploy_check_passes_when_the_limits_are_shared_or_one_process_serves(
    caches, workers, debug
):
    # Restored before the test's teardown clears the cache, which must stay the local one.
    with override_settings(CACHES=caches, WEB_CONCURRENCY=workers, DEBUG=debug):
        assert check_login_limits_cache(None) == []


def test_deploy_check_fails_on_a_local_cache_when_the_worker_count_is_not_declared(settings):
    settings.CACHES, settings.WEB_CONCURRENCY, settings.DEBUG = LOCAL, 0, False
    (error,) = check_login_limits_cache(None)
    assert isinstance(error, Error) and error.id == "people.E001"
    assert "WEB_CONCURRENCY" in error.hint and "REDIS_URL" in error.hint


def test_deploy_check_is_registered_for_check_deploy():
    from django.core.checks.registry import registry

    assert check_login_limits_cache in registry.get_checks(include_deployment_checks=True)
    assert check_login_limits_cache not in registry.get_checks(include_deployment_checks=False)
