import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Membership, Organisation, User
from qualification.models import Lieu

ROOT = Path(__file__).resolve().parent.parent


def _check_deploy(extra_env: dict) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "aptic.settings", **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_check():
    result = _check_deploy(
        {
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "CHEQUE_CODE_PEPPER": secrets.token_urlsafe(40),
            "ALLOWED_HOSTS": "aptic.example.org",
            "DATABASE_URL": "postgres://aptic@db.example.org:5432/aptic",
            "REDIS_URL": "redis://redis.example.org:6379/0",
            "EMAIL_URL": "smtp+tls://aptic:secret@smtp.example.org:587",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_embedded_defaults_are_refused_for_production():
    result = _check_deploy({"DEBUG": "0"})
    assert result.returncode != 0
    for problem in ("security.W009", "aptic.E001", "aptic.W001", "aptic.W002"):
        assert problem in result.stdout + result.stderr


@pytest.mark.django_db
def test_the_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=1"):
        call_command("demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_demo_is_idempotent(demo_data, settings):
    counts = (User.objects.count(), Organisation.objects.count(), Membership.objects.count(), Lieu.objects.count())
    settings.DEBUG = True
    call_command("demo", stdout=StringIO())
    assert counts == (
        User.objects.count(),
        Organisation.objects.count(),
        Membership.objects.count(),
        Lieu.objects.count(),
    )
    assert User.objects.get(email="finance2@demo.aptic.test").check_password("demo-aptic-2026")
    assert (
        Lieu.objects.filter(commune__density3="dense").exists()
        and Lieu.objects.filter(commune__density3="rural").exists()
    )
