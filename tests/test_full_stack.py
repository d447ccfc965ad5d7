import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_the_compose_file_runs_every_process_of_the_full_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "redis", "web", "worker", "beat"}
    assert "gunicorn aptic.wsgi" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A aptic worker")
    assert services["beat"]["command"].startswith("celery -A aptic beat")
    for name in ("web", "worker", "beat"):
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://") and environment["REDIS_URL"].startswith(
            "redis://"
        )


PRODUCTION_SECRETS = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "CHEQUE_CODE_PEPPER": secrets.token_urlsafe(40),
    "POSTGRES_PASSWORD": secrets.token_urlsafe(20),
    "ALLOWED_HOSTS": "aptic.example.org",
    "SITE_URL": "https://aptic.example.org",
}


def _compose_config(env: dict, tmp_path) -> subprocess.CompletedProcess:
    if not shutil.which("docker-compose"):
        pytest.skip("needs docker-compose (apt-get install docker-compose)")
    empty = tmp_path / "empty.env"  # no .env file lying around supplies what is missing
    empty.write_text("")
    base = {key: value for key, value in os.environ.items() if key in ("PATH", "HOME", "LANG")}
    return subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "--env-file", str(empty), "config"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_compose_file_ships_no_usable_secret(tmp_path):
    for missing in ("SECRET_KEY", "CHEQUE_CODE_PEPPER", "POSTGRES_PASSWORD"):
        result = _compose_config({k: v for k, v in PRODUCTION_SECRETS.items() if k != missing}, tmp_path)
        assert result.returncode != 0 and f"set {missing}" in result.stderr
    result = _compose_config(PRODUCTION_SECRETS, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "change-me" not in result.stdout and PRODUCTION_SECRETS["SECRET_KEY"] in result.stdout
    assert "entrypoint" not in result.stdout  # the image's entry point (the deployment check) is not bypassed


def _entrypoint(env: dict) -> subprocess.CompletedProcess:
    """The image's entry point, with a harmless command in place of the server."""
    base = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))}
    base["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{base.get('PATH', '')}"  # `python` is this one
    return subprocess.run(
        [str(ROOT / "scripts" / "docker-entrypoint.sh"), "python", "-c", "print('server started')"],
        env={**base, "DJANGO_SETTINGS_MODULE": "aptic.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_image_refuses_to_start_with_settings_unfit_for_production():
    # What the compose file used to ship: the public key and pepper, plain HTTP.
    result = _entrypoint(
        {
            "DEBUG": "0",
            "SECRET_KEY": "change-me-in-production",
            "CHEQUE_CODE_PEPPER": "change-me-in-production",
            "DATABASE_URL": "postgres://aptic:aptic@postgres:5432/aptic",
            "REDIS_URL": "redis://redis:6379/0",
            "SECURE_SSL_REDIRECT": "0",
        }
    )
    assert result.returncode != 0 and "server started" not in result.stdout
    assert "refusing to start" in result.stderr
    for problem in ("security.W009", "aptic.E001", "security.W008"):
        assert problem in result.stdout + result.stderr


def test_the_image_starts_with_production_settings():
    result = _entrypoint(
        {
            "DEBUG": "0",
            "SECRET_KEY": PRODUCTION_SECRETS["SECRET_KEY"],
            "CHEQUE_CODE_PEPPER": PRODUCTION_SECRETS["CHEQUE_CODE_PEPPER"],
            "ALLOWED_HOSTS": "aptic.example.org",
            "DATABASE_URL": "postgres://aptic:secret@postgres:5432/aptic",
            "REDIS_URL": "redis://redis:6379/0",
            "EMAIL_URL": "smtp+tls://aptic:secret@smtp.example.org:587",
            "BEHIND_TLS_PROXY": "1",
        }
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("server started")
