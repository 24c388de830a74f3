from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render


@login_required
def report(request):
    if not (request.user.is_admin_role or request.user.is_official):
        raise PermissionDenied
    return render(request, "coverage/report.html", {})
