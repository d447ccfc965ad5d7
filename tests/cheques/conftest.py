import pytest


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Each test gets its own private storage (PDFs, sealed codes): no file outlives its test."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
