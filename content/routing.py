"""Where a request goes, remembered: the site of a host name, the page at a
path and a lesson page's frame (``LessonPage.page_frame``) come from the
cache, so that a warm page view asks the database nothing about the page
tree.

Everything remembered here is tagged with the *tree version*, a token kept
in the cache that changes whenever a page, a page view restriction or a site
is saved, moved or deleted (``tree_changed``, connected to those models'
signals in ``ContentConfig.ready``). A remembered answer is used only while
its tag is the current version, so a publish, an unpublish, a move, a
rename or a new restriction takes effect on the next request, in every
process; nothing needs deleting. Entries also expire after
``REMEMBER_SECONDS``, a bound on anything that would change the tree
without a signal (a raw SQL update).

That holds when every process reads the same cache (``CACHE_IS_SHARED``).
With a cache in each process's own memory, another process may have
changed the tree without this one knowing: the site is then looked up as
Wagtail does, and a remembered page is used only once the database has
confirmed it is still live at that path.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from django.http.request import split_domain_port
from django.utils.translation import get_language
from wagtail.models import PageViewRestriction, Site, get_page_models
from wagtail.models import sites as wagtail_sites
from wagtail.signals import page_unpublished, post_page_move

TREE_VERSION_KEY = "content:tree-version"
REMEMBER_SECONDS = 60 * 60
# A host name no site answers for is remembered too (as this marker).
NO_SITE = "no-site"

_wagtail_site_for_hostname = wagtail_sites.get_site_for_hostname


def _new_version() -> str:
    return uuid.uuid4().hex


def cache_is_shared() -> bool:
    return getattr(settings, "CACHE_IS_SHARED", False)


def tree_version() -> str:
    """The current tree version (a new one if the cache lost it)."""
    version = cache.get(TREE_VERSION_KEY)
    if version is None:
        version = _new_version()
        if not cache.add(TREE_VERSION_KEY, version, None):
            version = cache.get(TREE_VERSION_KEY) or version
    return version


def tree_changed(**kwargs) -> None:
    """Forget every remembered site, route and frame: at once, and again when
    the transaction commits, because a request served between the two still read
    the rows as they were and may have remembered them under the first new
    version."""
    cache.set(TREE_VERSION_KEY, _new_version(), None)
    transaction.on_commit(lambda: cache.set(TREE_VERSION_KEY, _new_version(), None))


def connect_tree_signals(app_config) -> None:
    """Every change to the page tree, its view restrictions or the sites
    calls ``tree_changed``. Connected per model (not to every model's
    signals), so that deletes of other models stay fast. A migration (a
    deployment) does too: nothing remembered by an older version of the
    code is read by a newer one."""
    for model in (*get_page_models(), PageViewRestriction, Site):
        uid = f"content-tree-{model._meta.label_lower}"
        post_save.connect(tree_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(tree_changed, sender=model, dispatch_uid=f"{uid}-delete")
    post_page_move.connect(tree_changed, dispatch_uid="content-tree-move")
    page_unpublished.connect(tree_changed, dispatch_uid="content-tree-unpublish")
    post_migrate.connect(tree_changed, sender=app_config, dispatch_uid="content-tree-migrate")


def recall(*keys: str, any_version: bool = False, request=None) -> tuple[str, list]:
    """(the current tree version, for each key what it holds if it was
    remembered under that version, else None), in one round trip to the
    cache, or none when ``RememberedPagesMiddleware`` read them all for the
    ``request`` already. ``any_version``: whatever version it was
    remembered under, for a caller that checks it against the database
    itself."""
    read = getattr(request, "remembered", None)
    if read is not None and all(key in read for key in keys):
        found = read
    else:
        found = cache.get_many([TREE_VERSION_KEY, *keys])
    version = found.get(TREE_VERSION_KEY) or tree_version()
    values = []
    for key in keys:
        entry = found.get(key)
        values.append(entry[1] if entry is not None and (any_version or entry[0] == version) else None)
    return version, values


def remember(key: str, version: str, value: object) -> None:
    """Keep ``value`` under ``key``, tagged with the tree version read
    *before* the database was: a change committed in between makes it stale
    at once."""
    cache.set(key, (version, value), REMEMBER_SECONDS)


def _digest(url_path: str) -> str:
    return hashlib.md5(url_path.encode(), usedforsecurity=False).hexdigest()


def route_key(root_id: int, url_path: str) -> str:
    return f"content:route:{root_id}:{_digest(url_path)}"


def menu_of(user) -> str:
    """What the site's menu offers this account (``base.html``), the one
    part of a page's frame that depends on who is asking."""
    if user is None or not user.is_authenticated:
        return "anonymous"
    return f"account-{int(user.sees_reports)}{int(user.sees_admin)}"


def frame_key(request, url_path: str, site_id: int | None = None) -> str:
    """Where the frame of the lesson page at ``url_path`` is remembered, for
    the request's site (unless ``site_id`` names it), language and menu
    (``LessonPage.page_frame``)."""
    if site_id is None:
        site = Site.find_for_request(request)
        site_id = site.pk if site else 0
    menu = menu_of(getattr(request, "user", None))
    return f"content:lesson-frame:{site_id}:{_digest(url_path)}:{get_language()}:{menu}"


def site_key(hostname: str, port: int) -> str:
    return f"content:site:{hostname}:{port}"


def site_for_hostname(hostname: str, port: int) -> Site:
    """Wagtail's ``get_site_for_hostname`` (one query, costly to build, on
    every request), remembered per host name and port. The site comes with
    its root page in its specific type, which routing asks for next. Only
    with a shared cache (see the module docstring)."""
    if not cache_is_shared():
        return _wagtail_site_for_hostname(hostname, port)
    key = site_key(hostname, port)
    version, (site,) = recall(key)
    if site is None:
        try:
            site = _wagtail_site_for_hostname(hostname, port)
        except Site.DoesNotExist:
            site = NO_SITE
        else:
            site.root_page = site.root_page.specific
        remember(key, version, site)
    if site == NO_SITE:
        raise Site.DoesNotExist()
    return site


def remember_sites() -> None:
    """Route Wagtail's site lookup through ``site_for_hostname``. Wagtail
    offers no setting or hook for it: its ``Site.find_for_request`` calls
    the module's ``get_site_for_hostname``, which this replaces."""
    wagtail_sites.get_site_for_hostname = site_for_hostname


# The site last found for a host name and port, as (site id, root page id,
# root page's url path): which route and frame a page view will ask for.
_last_site: dict[tuple[str, int], tuple[int, int, str]] = {}


class RememberedPagesMiddleware:
    """Before Wagtail's page view, reads in one round trip to the cache what
    it will ask for next: the tree version, the site, the page at the path
    and its frame (``request.remembered``, which ``recall`` reads first).
    The site is handed to Wagtail as its own lookup would (``Site.
    find_for_request`` keeps it in ``request._wagtail_site``). Which route
    and frame to read is guessed from the site last found for the host; a
    wrong guess costs the round trips it would have saved, nothing else:
    every entry is still checked against the tree version. Only with a
    shared cache."""

    def __init__(self, get_response):
        from wagtail.views import serve  # not at import: it needs the apps ready

        self.get_response = get_response
        self.serve = serve

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is not self.serve or request.method not in ("GET", "HEAD") or not cache_is_shared():
            return None
        # As Wagtail's Site._find_for_request.
        hostname, port = split_domain_port(request._get_raw_host())[0], request.get_port()
        keys = [site_key(hostname, port)]
        path = view_args[0] if view_args else view_kwargs.get("path", "")
        components = [part for part in path.split("/") if part]
        guess = _last_site.get((hostname, port))
        if guess is not None and components:
            site_id, root_id, root_path = guess
            url_path = root_path + "/".join(components) + "/"
            keys += [route_key(root_id, url_path), frame_key(request, url_path, site_id=site_id)]
        found = cache.get_many([TREE_VERSION_KEY, *keys])
        request.remembered = {TREE_VERSION_KEY: found.get(TREE_VERSION_KEY), **{key: found.get(key) for key in keys}}
        _, (site,) = recall(keys[0], request=request)
        if isinstance(site, Site):
            request._wagtail_site = site
            _last_site[hostname, port] = (site.pk, site.root_page_id, site.root_page.url_path)
        return None
