"""Site-wide security pieces: the Content-Security-Policy per part of the
site, and the answer given to a client locked out after too many failed
logins."""

from __future__ import annotations

from csp.constants import NONE
from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

LOCKOUT_STATUS = 429


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The strict policy of ``CONTENT_SECURITY_POLICY`` everywhere, except
    under the prefixes of ``CSP_RELAXED_PREFIXES``: there the sources listed
    are added (and ``'none'`` dropped), because Wagtail's admin still writes
    inline scripts and style attributes in its widgets and panels."""

    def get_policy_parts(self, request: HttpRequest, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        path = request.path_info
        if path.startswith(settings.CSP_STRICT_PREFIXES):
            return parts
        for prefix, extra in settings.CSP_RELAXED_PREFIXES:
            if path.startswith(prefix):
                base = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
                replace = dict(parts.replace or {})
                for directive, sources in extra.items():
                    kept = [s for s in base.get(directive, []) if s != NONE]
                    replace[directive] = [*kept, *sources]
                parts.replace = replace
                break
        return parts


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What a client sees once django-axes has locked it out: JSON on the API,
    a page everywhere else, with status 429 (Too Many Requests)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Bạn đã nhập sai tên đăng nhập hoặc mật khẩu quá nhiều lần. "
        "Vì an toàn, việc đăng nhập bị tạm khóa %(minutes)d phút. Vui lòng thử lại sau."
    ) % {"minutes": minutes}
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"detail": message}, status=LOCKOUT_STATUS, json_dumps_params={"ensure_ascii": False}
        )
    return render(
        request,
        "registration/locked_out.html",
        {"message": message, "minutes": minutes},
        status=LOCKOUT_STATUS,
    )
