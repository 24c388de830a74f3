"""One log line per request, with a request id the proxy, the response and
every log line of the request share."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.utils.functional import empty

from lms.operations.logs import request_id_var

logger = logging.getLogger("lms.requests")

HEADER = "X-Request-ID"
# An id from the proxy is kept only if it cannot forge or break a log line.
SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Load balancers poll this every few seconds: a healthy answer is not news.
QUIET_PATHS = ("/healthz/",)


def _user_id(request) -> int | None:
    """The user's id if the request already looked the user up (no extra query)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request_id = incoming if SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            status = response.status_code
            if request.path in QUIET_PATHS:
                level = logging.DEBUG if status < 400 else logging.WARNING
            else:
                level = logging.INFO
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            logger.log(
                level,
                "%s %s %s %sms",
                request.method,
                request.path,
                status,
                duration_ms,
                extra={
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "duration_ms": duration_ms,
                    "user_id": _user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)
