"""Pages of the content app outside the page tree: the catalogue's stable
address, the service worker and the offline page."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from content.models import CourseIndexPage

# Static files every course page uses: saved when the service worker installs.
OFFLINE_ASSETS = ("css/site.css", "content/content.css", "content/content.js", "img/icon.svg")
MAX_OFFLINE_PAGES = 80


def catalogue(request):
    """The catalogue lives in the page tree; this stable name finds it."""
    index = CourseIndexPage.objects.live().first()
    if index is None:
        raise Http404
    return redirect(index.url)


def _assets_version(urls: list[str]) -> str:
    """Changes when an asset's URL (hashed in production) or, in development,
    its file changes, so that the worker refreshes its saved copies."""
    digest = hashlib.sha256("\n".join(urls).encode())
    for name in OFFLINE_ASSETS:
        path = finders.find(name)
        if path:
            with open(path, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()[:12]


@require_GET
def service_worker(request):
    """``/sw.js``: served from the site root so that it may control every page."""
    assets = [static(name) for name in OFFLINE_ASSETS]
    index = CourseIndexPage.objects.live().first()
    config = {
        "version": _assets_version(assets),
        "assets": assets,
        "offline_url": reverse("content:offline"),
        "logout_url": reverse("logout"),
        "page_prefixes": [index.url] if index is not None and index.url else [],
        "asset_prefixes": [settings.STATIC_URL, f"{settings.MEDIA_URL}images/"],
        "max_pages": MAX_OFFLINE_PAGES,
    }
    # JSON is valid JavaScript; "<" is escaped so no value can close a tag.
    body = render_to_string(
        "content/sw.js",
        {"config": mark_safe(json.dumps(config).replace("<", "\\u003c"))},  # noqa: S308
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request):
    """Shown by the service worker for a page never opened while online."""
    return render(request, "content/offline.html")
