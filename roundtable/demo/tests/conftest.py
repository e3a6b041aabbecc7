"""The demo community, built once for the demo package's tests: building it is the slowest step
of the suite, and each test works inside its own savepoint, so the modules can share it."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from roundtable.places.models import Community

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The demo community, built once and rolled back after the package's last test."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with transaction.atomic():
            call_command("loaddemo", stdout=io.StringIO())
            yield Community.objects.get(code="lf")
            transaction.set_rollback(True)


@pytest.fixture
def lf(demo, db):
    """The demo community inside this test's own savepoint."""
    return demo
