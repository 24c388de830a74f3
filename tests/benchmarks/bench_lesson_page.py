"""Weight of the longest lesson of the starter catalogue, as a phone receives
it: the HTML page and the CSS and JS it links, gzip-compressed (images and
the service worker excluded). Budget: 60 KB.

Static files are measured gzip-compressed, as the production storage serves
them (whitenoise's precompressed copies).
"""

from __future__ import annotations

import gzip
import re

from tests.benchmarks._setup import report, setup_django

ASSETS = re.compile(r'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"')


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def main() -> None:
    setup_django(name="lesson_page")
    from django.test import Client

    from content.loader import catalogue_load
    from content.models import LessonPage

    catalogue_load(covers=False)
    longest = max(LessonPage.objects.live(), key=lambda lesson: len(lesson.search_text))
    client = Client()
    response = client.get(longest.url, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, response.status_code
    total = len(response.content)
    html = gzip.decompress(response.content).decode() if response.get("Content-Encoding") == "gzip" else ""
    for css, js in ASSETS.findall(html):
        asset = client.get(css or js, HTTP_ACCEPT_ENCODING="gzip")
        assert asset.status_code == 200, (css or js, asset.status_code)
        body = _body(asset)
        total += len(body) if asset.get("Content-Encoding") == "gzip" else len(gzip.compress(body))
    print(f"longest lesson: {longest.url}", flush=True)
    report("lesson_page_kb", round(total / 1024, 1), "KB")


if __name__ == "__main__":
    main()
