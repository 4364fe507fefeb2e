"""core/pdf.py: documents read only the site's static files, never the network or the disk at large."""

import pytest

from salesops.core.pdf import PRINT_STYLESHEET, StaticFilesFetcher


def test_the_fetcher_serves_static_files_from_disk():
    response = StaticFilesFetcher().fetch(f"https://salesops.invalid/static/{PRINT_STYLESHEET}")
    assert response.content_type == "text/css"
    assert b"WenQuanYi Micro Hei" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/admin/",
        "file:///etc/passwd",
        "https://salesops.invalid/static/../settings.py",
        "https://salesops.invalid/static/salesops/css/missing.css",
        "https://salesops.invalid/media/upload.png",
    ],
)
def test_the_fetcher_refuses_everything_else(url):
    with pytest.raises(ValueError):
        StaticFilesFetcher().fetch(url)
