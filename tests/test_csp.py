"""The Content-Security-Policy: strict on every page, and no inline code left in the templates to break it.

The browser tests (tests/browser/, every one of them watching for violations) prove the pages still work."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    directives = (part.strip().split() for part in response.headers["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


@pytest.mark.parametrize("path", ["/", "/mon-carnet/", "/lieux/", "/comptes/login/", "/api/docs/", "/catalogue/"])
def test_every_page_sends_a_strict_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = _policy(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]


def test_the_api_documentation_loads_its_setup_script_from_a_file(client):
    page = client.get("/api/docs/").content.decode()
    assert "<style>" not in page and re.search(r"<script>\s*\S", page) is None
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


INLINE_CODE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", re.I),  # inline script
    re.compile(r"\son[a-z]+\s*=", re.I),  # inline event handler
    re.compile(r"<style[\s>]|\sstyle\s*=", re.I),  # inline style
    re.compile(r"javascript:", re.I),
]


def test_no_template_served_to_a_browser_holds_inline_code():
    templates = [
        path
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and "pdf" not in path.parts  # PDFs are drawn by WeasyPrint, not browsers
    ]
    assert len(templates) > 50
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in templates
        for pattern in INLINE_CODE
        if (match := pattern.search(path.read_text(encoding="utf-8")))
    ]
    assert offenders == []


def test_the_favicon(client):
    assert finders.find("favicon.svg") and finders.find("favicon.ico") and finders.find("apple-touch-icon.png")
    assert Path(finders.find("favicon.ico")).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page and 'href="/static/favicon.ico"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url == "/static/favicon.ico"
