import io

import pytest
from pypdf import PdfReader

from aptic.pdf import local_url_fetcher, render_pdf


def test_a_template_renders_to_a_pdf_with_the_cooperative_identity(settings, tmp_path):
    template = tmp_path / "doc.html"
    template.write_text(
        '{% extends "pdf/base.html" %}{% block content %}<h1>Relevé n° 42</h1><p>1 234,56 €</p>{% endblock %}'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    pdf = render_pdf("doc.html", {})
    assert pdf.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Relevé n° 42" in text and "1 234,56 €" in text
    assert settings.APTIC_COOPERATIVE["name"] in text and settings.APTIC_COOPERATIVE["siren"] in text


def test_rendering_never_fetches_from_the_network():
    with pytest.raises(ValueError, match="disallowed protocol"):
        local_url_fetcher().fetch("https://example.org/tracker.png")
