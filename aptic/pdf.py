"""PDF documents (quotes, invoices, carnets, certificates, statements) rendered by WeasyPrint.

Templates extend ``pdf/base.html``. Only local files and data: URLs are fetched: a document never
reaches out to the network while it is being rendered.
"""

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

PDF_STYLESHEET = settings.BASE_DIR / "static" / "css" / "pdf.css"


def local_url_fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols={"file", "data"})


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a Django template to PDF bytes."""
    html = render_to_string(template_name, {"cooperative": settings.APTIC_COOPERATIVE, **context})
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=local_url_fetcher())
    return document.write_pdf(stylesheets=[CSS(filename=str(PDF_STYLESHEET))])
