"""Pages of the certificates app: the learner's list, downloads, and the
public verification page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from certificates import selectors


@login_required
@require_safe
def mine(request):
    """ "Chứng nhận của tôi": the certificates of the account's person."""
    certificates = selectors.certificates_of_person(person_id=request.user.person_id)
    return render(
        request,
        "certificates/mine.html",
        {"certificates": certificates, "has_person": bool(request.user.person_id)},
    )


@login_required
@require_safe
def download(request, pk: int):
    certificate = selectors.certificate_for_download(user=request.user, pk=pk)
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_safe
def verify(request, code: str):
    """Public: is this certificate genuine, and is it still valid? Shows the
    holder's name, the title and the dates, nothing else about her."""
    certificate = selectors.certificate_by_code(code=code)
    if certificate is None:
        return render(request, "certificates/verify_not_found.html", status=404)
    return render(request, "certificates/verify.html", {"certificate": certificate})
