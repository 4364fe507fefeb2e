"""Printable documents (quotes now, invoices later): a Django template rendered to PDF with WeasyPrint.

Every document gets the print stylesheet `salesops/css/print.css` (A4, margins, page numbers, the CJK font
"WenQuanYi Micro Hei" from Debian's fonts-wqy-microhei, which scripts/ensure-pdf.sh installs). Templates may
link further static files with `{% static %}`; they are read from the static files on disk, never over the
network, and any other URL (http, file, ...) is refused, so a document cannot make the server fetch anything.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PRINT_STYLESHEET = "salesops/css/print.css"
# Relative links in a document resolve against this; only its static paths are ever served.
BASE_URL = "https://salesops.invalid/"


def static_file(name: str) -> Path | None:
    """The file behind a static name: collected (with the hashed names of the manifest storage) or found in the
    apps' and project's static folders."""
    try:
        collected = Path(staticfiles_storage.path(name))
    except NotImplementedError:  # a remote storage: fall back to the finders
        collected = None
    if collected is not None and collected.is_file():
        return collected
    found = finders.find(name)
    return Path(found) if found else None


class StaticFilesFetcher(URLFetcher):
    """Serves `data:` URLs and the site's static files from disk; refuses everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        prefix = urlsplit(settings.STATIC_URL).path
        path = unquote(urlsplit(url).path)
        name = path.removeprefix(prefix) if path.startswith(prefix) else None
        file = static_file(name) if name and ".." not in name.split("/") else None
        if file is None:
            raise ValueError(f"not a static file: {url}")
        content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": content_type})


def render_pdf(template_name: str, context: dict, *, request: HttpRequest | None = None) -> bytes:
    """Render `template_name` with `context` (and the request, for its language and context processors) and
    return the PDF, laid out with the print stylesheet."""
    html = render_to_string(template_name, context, request=request)
    fetcher = StaticFilesFetcher()
    stylesheet = static_file(PRINT_STYLESHEET)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(filename=str(stylesheet), url_fetcher=fetcher)])
