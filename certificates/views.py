from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from certificates.models import Certificate


@login_required
def mine(request):
    person_id = request.user.person_id
    certificates = (
        Certificate.objects.filter(person_id=person_id) if person_id else Certificate.objects.none()
    )
    return render(request, "certificates/mine.html", {"certificates": certificates})
