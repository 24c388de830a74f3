"""The project's URLs plus ``/bench/bare/``: a tiny HTML page answered by a
plain Django view, through the whole middleware stack, with no database
query. It is the yardstick of ``bench_load`` and exists only on its server."""

from django.http import HttpResponse
from django.urls import path

from lms.urls import urlpatterns as project_urlpatterns

BARE_PATH = "bench/bare/"
BARE_HTML = '<!doctype html><html lang="vi"><title>Nâng Tầm</title><p>Xin chào.</p></html>'


def bare(request):
    return HttpResponse(BARE_HTML)


urlpatterns = [path(BARE_PATH, bare), *project_urlpatterns]
