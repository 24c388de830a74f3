from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from courses.models import Enrollment


@login_required
def dashboard(request):
    enrollments = (
        Enrollment.objects.filter(user=request.user, status=Enrollment.Status.ACTIVE)
        .select_related("course")
        .order_by("-enrolled_at")
    )
    return render(request, "courses/dashboard.html", {"enrollments": enrollments})
