"""The settings contract: environment variables in, `check --deploy` clean in production."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args, **env):
    ignored = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in ignored}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        HTTPS="true",
        ALLOWED_HOSTS="roundtable.example.org",
        SECRET_KEY="k8W3jQ0vX2pL9mN5bR7tY1uI4oP6aS8dF0gH2jK4lZ6xC8vB0nM2qW4eR6tY8uI0",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/roundtable",
        REDIS_URL="redis://127.0.0.1:6379/0",
        AUDIT_KEY="Qz5rT8wY2uE4oP7aS1dF3gH6jK9lX0cV5bN8mW2eR4tY7uI1",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_secret_key_is_generated_once_when_absent(tmp_path):
    env = {"VAR_DIR": str(tmp_path), "SECRET_KEY": ""}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = _manage("shell", "-v", "0", "-c", code, **env).stdout.strip()
    second = _manage("shell", "-v", "0", "-c", code, **env).stdout.strip()
    assert len(first) >= 50 and first == second
    assert (tmp_path / "secret_key").read_text().strip() == first


def test_database_and_cache_come_from_the_environment(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'], "
        "s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    out = _manage(
        "shell",
        "-v",
        "0",
        "-c",
        code,
        VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/1",
    ).stdout.split()
    assert out == [
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
        "zh-hans",
        "Asia/Shanghai",
    ]
    default = _manage("shell", "-v", "0", "-c", code, VAR_DIR=str(tmp_path)).stdout.split()
    assert default[:2] == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
    ]


def test_every_environment_variable_is_documented():
    import re

    source = (ROOT / "roundtable" / "settings.py").read_text()
    names = set(re.findall(r'env(?:_bool|_list)?\("([A-Z_]+)"', source))
    names |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', source))
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert names and missing == []
