"""Staff upload a file of the national standard on the Lieu admin and read its report."""

import threading
import time
import uuid

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import reverse

from accounts.enums import StaffRole
from aptic.celery import app as celery_app
from qualification.enums import LieuSource
from qualification.models import Lieu
from qualification.standard.enums import LieuImportStatus
from qualification.standard.models import LieuImport
from qualification.standard.services import lieu_import_create, lieu_import_run
from qualification.standard.tasks import lieu_import_run_task
from tests.factories import staff_user
from tests.qualification.conftest import FIXTURES
from tests.utils import page_text

SAMPLE = FIXTURES / "lieux-v0-sample.csv"


def upload(client, capture, content: bytes, name="lieux.csv", **data):
    """Send the file (the task runs when the upload commits), then open the page the upload leads to."""
    with capture(execute=True):
        response = client.post(
            reverse("admin:qualification_lieu_import"),
            {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **data},
        )
    assert response.status_code == 302, response.content
    return client.get(response.url)


@pytest.mark.django_db
def test_qualification_staff_import_a_file_and_read_the_report_row_by_row(client, django_capture_on_commit_callbacks):
    client.force_login(staff_user(StaffRole.QUALIFICATION))
    changelist = page_text(client.get(reverse("admin:qualification_lieu_changelist")))
    assert "Importer des lieux (standard national)" in changelist

    response = upload(client, django_capture_on_commit_callbacks, SAMPLE.read_bytes(), name="cartographie-2023.csv")

    text = page_text(response)
    assert "19 lignes lues : 16 lieux créés, 0 mis à jour, 3 lignes refusées." in text
    assert "Ancienne version du standard (v0)" in text
    assert "16 487 MJC SAINT GERVAIS commune inconnue : « SAINT GERVAIS » (code postal 74170)" in text
    assert "ancien code INSEE 69152" in text  # accepted with a remark
    lieu_import = LieuImport.objects.get()
    assert lieu_import.status == LieuImportStatus.DONE and lieu_import.created_by is not None
    assert (lieu_import.created_count, lieu_import.refused_count) == (16, 3)
    assert Lieu.objects.filter(source=LieuSource.NATIONAL_STANDARD, structure=None).count() == 16
    # The list of past imports links to the report.
    assert "cartographie-2023.csv" in page_text(client.get(reverse("admin:qualification_lieu_import")))


@pytest.mark.django_db
def test_a_refused_file_says_why_and_imports_nothing(client, django_capture_on_commit_callbacks):
    client.force_login(staff_user(StaffRole.QUALIFICATION))

    content = SAMPLE.read_text(encoding="utf-8").encode("cp1252", errors="replace")
    response = upload(client, django_capture_on_commit_callbacks, content)

    text = page_text(response)
    assert "Fichier refusé, rien n'a été importé : Le fichier n'est pas encodé en UTF-8" in text
    assert LieuImport.objects.get().status == LieuImportStatus.FAILED
    assert not Lieu.objects.exists()


@pytest.mark.django_db
def test_a_simulation_reports_without_importing(client, django_capture_on_commit_callbacks):
    client.force_login(staff_user(StaffRole.QUALIFICATION))

    text = page_text(upload(client, django_capture_on_commit_callbacks, SAMPLE.read_bytes(), dry_run="on"))

    assert "Simulation : rien n'a été enregistré." in text and "16 lieux créés" in text
    assert not Lieu.objects.exists()


@pytest.mark.django_db
def test_a_pending_import_shows_its_progress_and_refreshes(client):
    client.force_login(staff_user(StaffRole.QUALIFICATION))
    lieu_import = lieu_import_create(content=SAMPLE.read_bytes(), filename="lieux.csv", by=None)

    content = client.get(reverse("admin:qualification_lieu_import_status", args=[lieu_import.pk])).content.decode()

    assert "Import en cours…" in content and '<meta http-equiv="refresh" content="2">' in content


@pytest.mark.django_db
@pytest.mark.parametrize("role", [StaffRole.FINANCE, StaffRole.SUPPORT])
def test_staff_who_may_not_change_lieux_cannot_import(client, role):
    client.force_login(staff_user(role))

    assert client.get(reverse("admin:qualification_lieu_import")).status_code == 403
    assert "Importer des lieux" not in page_text(client.get(reverse("admin:qualification_lieu_changelist")))


@pytest.mark.django_db
def test_running_an_import_twice_imports_once():
    lieu_import = lieu_import_create(content=SAMPLE.read_bytes(), filename="lieux.csv", by=None)

    lieu_import_run(lieu_import_id=lieu_import.pk)
    lieu_import_run(lieu_import_id=lieu_import.pk)

    lieu_import.refresh_from_db()
    assert lieu_import.created_count == 16 and lieu_import.updated_count == 0
    assert Lieu.objects.count() == 16


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_the_same_import_import_it_once():
    """The import row is locked while its lieux are written: the second worker waits, then finds it done."""
    with transaction.atomic():
        lieu_import = LieuImport.objects.create(original_name="lieux.csv", size=1, sha256="0" * 64)
        lieu_import.file.save("lieux.csv", SimpleUploadedFile("lieux.csv", SAMPLE.read_bytes()))
    results, errors = [], []

    def work():
        try:
            results.append(lieu_import_run(lieu_import_id=lieu_import.pk).created_count)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert errors == []
    assert results == [16, 16]  # both see the one finished import
    assert Lieu.objects.count() == 16
    assert LieuImport.objects.get().updated_count == 0


def _flush_celery_routes():
    celery_app.amqp.flush_routes()
    celery_app.amqp.__dict__.pop("router", None)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_import_queued_by_the_upload():
    queue = f"test-{uuid.uuid4().hex}"
    celery_app.conf.task_always_eager = False
    routes = celery_app.conf.task_routes
    celery_app.conf.task_routes = {lieu_import_run_task.name: {"queue": queue}}
    _flush_celery_routes()  # Celery builds its router once: a route set after that would be ignored
    try:
        with start_worker(celery_app, queues=[queue], perform_ping_check=False, shutdown_timeout=20):
            lieu_import = lieu_import_create(content=SAMPLE.read_bytes(), filename="lieux.csv", by=None)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                lieu_import.refresh_from_db()
                if lieu_import.status != LieuImportStatus.PENDING:
                    break
                time.sleep(0.2)
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.task_routes = routes
        _flush_celery_routes()
    assert lieu_import.status == LieuImportStatus.DONE
    assert lieu_import.created_count == 16 and Lieu.objects.count() == 16
