import uuid

import pytest


@pytest.fixture
def files(settings, tmp_path):
    """The private storage, shared by the test and the worker processes it starts."""
    location = tmp_path / "files"
    location.mkdir()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}},
    }
    return location


@pytest.fixture
def queue():
    return f"faults-{uuid.uuid4().hex}"
