"""The learner API under /api/v1/: courses, enrolment, progress, quiz
attempts and completions.

Object permissions: everything under ``enrollments/``, ``attempts/`` and
``completions/`` is the caller's own; another learner's object is 404 for
everyone (these are the learner's own views, not an admin tool).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from content.models import CoursePage, QuizPage, Topic
from courses import serializers as s
from courses.forms import IMPORT_MAX_BYTES
from courses.models import Attempt, Enrollment
from courses.selectors import (
    Progress,
    attempt_for_learner,
    attempt_is_overdue,
    attempt_results,
    can_manage_learning,
    enrollment_for_learner,
    learner_progress,
    live_course,
    live_lesson,
    live_quiz,
    person_completions,
    public_questions,
    review_level,
)
from courses.services import (
    attempt_start,
    attempt_submit,
    attempts_expire_overdue,
    enrollment_enrol,
    enrollment_withdraw,
    lesson_mark_done,
)

TAGS = ["learning"]
ERRORS = {400: s.ErrorSerializer, 403: s.ErrorSerializer, 404: s.ErrorSerializer}


def error_response(exc: ValidationError) -> Response:
    code = getattr(exc, "code", None) or "invalid"
    http = status.HTTP_403_FORBIDDEN if code == "not_enrolled" else status.HTTP_400_BAD_REQUEST
    return Response({"detail": " ".join(exc.messages), "code": code}, status=http)


def page_ref(page, request) -> dict:
    return {"id": page.pk, "title": page.title, "url": page.get_url(request=request)}


def course_data(course: CoursePage, request) -> dict:
    return {
        "id": course.pk,
        "title": course.title,
        "slug": course.slug,
        "url": course.get_url(request=request),
        "summary": course.summary,
        "topics": list(course.topics.all()),
        "audience": course.audience,
        "estimated_hours": course.estimated_hours,
        "earns_certificate": course.earns_certificate,
    }


def enrollment_data(progress: Progress, request) -> dict:
    e = progress.enrollment
    step = progress.next_step if progress.is_active else None
    return {
        "id": e.pk,
        "course": page_ref(e.course, request),
        "status": e.status,
        "enrolled_at": e.enrolled_at,
        "withdrawn_at": e.withdrawn_at,
        "completed_on": e.completed_on,
        "progress": {
            "percent": progress.percent,
            "done_steps": progress.done_steps,
            "total_steps": progress.total_steps,
            "done_lesson_ids": sorted(progress.done_lesson_ids & progress.outline.lesson_ids),
            "passed_quiz_ids": sorted(progress.passed_quiz_ids),
            "continue_at": page_ref(step.page, request) if step else None,
        },
    }


def attempt_data(attempt: Attempt, quiz: QuizPage, request, *, has_passed: bool | None = None) -> dict:
    if has_passed is None:
        has_passed = Attempt.objects.filter(user_id=attempt.user_id, quiz=quiz, passed=True).exists()
    level = review_level(attempt=attempt, quiz=quiz, has_passed=has_passed)
    results = None
    if level == "full":
        results = [r.__dict__ for r in attempt_results(attempt=attempt)]
    return {
        "id": attempt.pk,
        "quiz": page_ref(quiz, request),
        "number": attempt.number,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "question_count": len(attempt.questions),
        "questions": public_questions(attempt) if attempt.is_open else None,
        "score": attempt.score,
        "correct_count": attempt.correct_count,
        "pass_mark": attempt.pass_mark,
        "passed": attempt.passed,
        "review": level,
        "results": results,
    }


class CourseListAPI(GenericAPIView):
    """Published courses with their topics (anyone may read the catalogue)."""

    permission_classes = [AllowAny]
    serializer_class = s.CourseSerializer

    def get_queryset(self):
        qs = CoursePage.objects.live().order_by("path")
        topic = self.request.query_params.get("topic")
        if topic:
            qs = qs.filter(topics__slug=topic)
        return qs.prefetch_related(Prefetch("topics", queryset=Topic.objects.order_by("pk")))

    @extend_schema(
        tags=TAGS,
        operation_id="learning_courses_list",
        responses=s.CourseSerializer(many=True),  # a page of them, not one
        parameters=[OpenApiParameter("topic", str, description="Mã chủ đề, ví dụ governance")],
        auth=[],
    )
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        data = s.CourseSerializer([course_data(c, request) for c in page], many=True).data
        return self.get_paginated_response(data)


class CourseDetailAPI(GenericAPIView):
    """A published course with its lessons and quizzes in order; with the
    caller's enrolment and progress when she is signed in."""

    permission_classes = [AllowAny]
    serializer_class = s.CourseDetailSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_course_detail",
        responses={200: s.CourseDetailSerializer, 404: s.ErrorSerializer},
    )
    def get(self, request, course_id: int):
        course = live_course(course_id=course_id)
        progress = learner_progress(user=request.user, courses=[course])[course.pk]
        quizzes = QuizPage.objects.filter(pk__in=progress.outline.quiz_ids).in_bulk()
        data = course_data(course, request)
        data["lessons"] = [
            {**page_ref(step.page, request), "done": step.id in progress.done_lesson_ids}
            for step in progress.outline.lessons
        ]
        data["quizzes"] = [
            {
                **page_ref(step.page, request),
                "pass_mark": quizzes[step.id].pass_mark,
                "max_attempts": quizzes[step.id].max_attempts,
                "time_limit_minutes": quizzes[step.id].time_limit_minutes,
                "question_count": len(quizzes[step.id].questions),
                "passed": step.id in progress.passed_quiz_ids,
            }
            for step in progress.outline.quizzes
        ]
        data["enrollment"] = enrollment_data(progress, request) if progress.enrollment else None
        return Response(s.CourseDetailSerializer(data).data)


class CourseEnrolAPI(GenericAPIView):
    """Enrol the caller in a course (idempotent: 201 when enrolled or
    re-enrolled now, 200 when already enrolled)."""

    serializer_class = s.EnrollmentSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_course_enrol",
        request=None,
        responses={200: s.EnrollmentSerializer, 201: s.EnrollmentSerializer, **ERRORS},
    )
    def post(self, request, course_id: int):
        course = live_course(course_id=course_id)
        try:
            enrollment, changed = enrollment_enrol(user=request.user, course=course)
        except ValidationError as exc:
            return error_response(exc)
        progress = learner_progress(user=request.user, courses=[course], enrollments=[enrollment])[course.pk]
        return Response(
            s.EnrollmentSerializer(enrollment_data(progress, request)).data,
            status=status.HTTP_201_CREATED if changed else status.HTTP_200_OK,
        )


class CourseUnenrolAPI(GenericAPIView):
    """Withdraw from a course; progress and results are kept."""

    serializer_class = s.EnrollmentSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_course_unenrol",
        request=None,
        responses={200: s.EnrollmentSerializer, **ERRORS},
    )
    def post(self, request, course_id: int):
        course = live_course(course_id=course_id)
        enrollment = Enrollment.objects.filter(user=request.user, course=course).first()
        if enrollment is None:
            return Response(
                {"detail": _("Bạn chưa đăng ký khóa học này."), "code": "not_enrolled"},
                status=status.HTTP_404_NOT_FOUND,
            )
        enrollment = enrollment_withdraw(enrollment=enrollment)
        progress = learner_progress(user=request.user, courses=[course], enrollments=[enrollment])[course.pk]
        return Response(s.EnrollmentSerializer(enrollment_data(progress, request)).data)


class EnrollmentListAPI(GenericAPIView):
    """The caller's enrolments (active and withdrawn) with progress."""

    serializer_class = s.EnrollmentSerializer

    def get_queryset(self):
        return (
            Enrollment.objects.filter(user=self.request.user)
            .select_related("course")
            .order_by("-enrolled_at")
        )

    @extend_schema(
        tags=TAGS,
        operation_id="learning_enrollments_list",
        responses=s.EnrollmentSerializer(many=True),  # a page of them, not one
        parameters=[OpenApiParameter("status", str, enum=["active", "withdrawn"])],
    )
    def get(self, request):
        qs = self.get_queryset()
        wanted = request.query_params.get("status")
        if wanted in Enrollment.Status.values:
            qs = qs.filter(status=wanted)
        page = self.paginate_queryset(qs)
        progress = learner_progress(user=request.user, courses=[e.course for e in page], enrollments=page)
        data = [enrollment_data(progress[e.course_id], request) for e in page]
        return self.get_paginated_response(s.EnrollmentSerializer(data, many=True).data)


class EnrollmentDetailAPI(GenericAPIView):
    """One of the caller's enrolments; another's is 404."""

    serializer_class = s.EnrollmentSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_enrollment_detail",
        responses={200: s.EnrollmentSerializer, 404: s.ErrorSerializer},
    )
    def get(self, request, enrollment_id: int):
        enrollment = enrollment_for_learner(user=request.user, enrollment_id=enrollment_id)
        progress = learner_progress(user=request.user, courses=[enrollment.course], enrollments=[enrollment])[
            enrollment.course_id
        ]
        return Response(s.EnrollmentSerializer(enrollment_data(progress, request)).data)


class LessonDoneAPI(GenericAPIView):
    """Mark a lesson done ("Đã học xong"); idempotent. Answers the
    enrolment with its new progress."""

    serializer_class = s.EnrollmentSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_lesson_done",
        request=None,
        responses={200: s.EnrollmentSerializer, **ERRORS},
    )
    def post(self, request, lesson_id: int):
        lesson = live_lesson(lesson_id=lesson_id)
        try:
            enrollment, _new = lesson_mark_done(user=request.user, lesson=lesson)
        except ValidationError as exc:
            return error_response(exc)
        progress = learner_progress(user=request.user, courses=[enrollment.course], enrollments=[enrollment])[
            enrollment.course_id
        ]
        return Response(s.EnrollmentSerializer(enrollment_data(progress, request)).data)


class AttemptStartAPI(GenericAPIView):
    """Start an attempt at a quiz, or get the open one back (201 when
    started now, 200 when resumed). The questions come without answers."""

    serializer_class = s.AttemptSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_attempt_start",
        request=None,
        responses={200: s.AttemptSerializer, 201: s.AttemptSerializer, **ERRORS},
    )
    def post(self, request, quiz_id: int):
        quiz = live_quiz(quiz_id=quiz_id)
        try:
            attempt, created = attempt_start(user=request.user, quiz=quiz)
        except ValidationError as exc:
            return error_response(exc)
        return Response(
            s.AttemptSerializer(attempt_data(attempt, quiz, request, has_passed=False)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class AttemptListAPI(GenericAPIView):
    """The caller's attempts (results only, no questions), newest first."""

    serializer_class = s.AttemptSerializer

    def get_queryset(self):
        return (
            Attempt.objects.filter(user=self.request.user)
            .select_related("quiz")
            .order_by("-started_at", "-pk")
        )

    @extend_schema(
        tags=TAGS,
        operation_id="learning_attempts_list",
        responses=s.AttemptSerializer(many=True),  # a page of them, not one
        parameters=[OpenApiParameter("quiz", int, description="Chỉ các lượt của bài kiểm tra này")],
    )
    def get(self, request):
        qs = self.get_queryset()
        quiz_id = request.query_params.get("quiz")
        if quiz_id and quiz_id.isdigit():
            qs = qs.filter(quiz_id=int(quiz_id))
        page = self.paginate_queryset(qs)
        passed = set(
            Attempt.objects.filter(
                user=request.user, passed=True, quiz_id__in={a.quiz_id for a in page}
            ).values_list("quiz_id", flat=True)
        )
        data = []
        for a in page:
            row = attempt_data(a, a.quiz, request, has_passed=a.quiz_id in passed)
            row["results"] = None  # per-question review: ask for the attempt itself
            data.append(row)
        return self.get_paginated_response(s.AttemptSerializer(data, many=True).data)


class AttemptDetailAPI(GenericAPIView):
    """One of the caller's attempts: while open, its questions without
    answers; once closed, the result as the quiz's review option allows."""

    serializer_class = s.AttemptSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_attempt_detail",
        responses={200: s.AttemptSerializer, 404: s.ErrorSerializer},
    )
    def get(self, request, attempt_id: int):
        attempt = attempt_for_learner(user=request.user, attempt_id=attempt_id)
        if attempt_is_overdue(attempt):
            attempts_expire_overdue(user=request.user, quiz=attempt.quiz)
            attempt.refresh_from_db()
        return Response(s.AttemptSerializer(attempt_data(attempt, attempt.quiz, request)).data)


class AttemptSubmitAPI(GenericAPIView):
    """Submit answers: graded on the server against the attempt's snapshot.
    Idempotent: a second submission returns the first result unchanged. Past
    the deadline and a 30-second grace, the attempt is recorded as expired
    with score 0 (``status: expired``)."""

    serializer_class = s.SubmitSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="learning_attempt_submit",
        request=s.SubmitSerializer,
        responses={200: s.AttemptSerializer, **ERRORS},
    )
    def post(self, request, attempt_id: int):
        attempt = attempt_for_learner(user=request.user, attempt_id=attempt_id)
        serializer = s.SubmitSerializer(data=request.data)
        if not serializer.is_valid():
            return Response(
                {
                    "detail": _(
                        "Câu trả lời không hợp lệ: cần một đối tượng {mã câu hỏi: [mã phương án, ...]}."
                    ),
                    "code": "bad_answers",
                    "errors": serializer.errors,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            attempt = attempt_submit(attempt=attempt, answers=serializer.validated_data["answers"])
        except ValidationError as exc:
            return error_response(exc)
        return Response(s.AttemptSerializer(attempt_data(attempt, attempt.quiz, request)).data)


class ManagesLearning(BasePermission):
    """Trainers, officials with a scope, and admins."""

    message = gettext_lazy("Chỉ giảng viên, cán bộ quản lý và quản trị viên mới dùng được chức năng này.")

    def has_permission(self, request, view):
        return can_manage_learning(request.user)


class AttendanceImportAPI(APIView):
    """Import sessions and attendance from an .xlsx workbook or one .csv
    sheet (CONTRACT §3), all or nothing: 200 with counts per sheet, or 400
    with every error as ``{"errors": [{"sheet", "row", "column",
    "message"}]}``. ``?dry_run=1`` validates and counts, writes nothing."""

    permission_classes = [IsAuthenticated, ManagesLearning]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=["imports"],
        operation_id="imports_attendance",
        request={"multipart/form-data": s.AttendanceUploadSerializer},
        parameters=[OpenApiParameter("dry_run", bool, description="1: chỉ kiểm tra, không ghi gì.")],
        responses={
            200: s.AttendanceImportResultSerializer,
            400: s.AttendanceImportErrorsSerializer,
            403: s.ErrorSerializer,
        },
    )
    def post(self, request):
        from courses.imports import import_attendance

        upload = request.FILES.get("file")
        if upload is None:
            return _file_error(_("Chưa gửi tệp (trường “file”)."))
        if upload.size > IMPORT_MAX_BYTES:
            return _file_error(_("Tệp quá lớn (tối đa 20 MB)."))
        dry_run = request.query_params.get("dry_run", "").lower() in {"1", "true", "yes", "on"}
        result = import_attendance(upload, filename=upload.name, user=request.user, dry_run=dry_run)
        return Response(
            result.as_dict(), status=status.HTTP_200_OK if result.ok else status.HTTP_400_BAD_REQUEST
        )


def _file_error(message: str) -> Response:
    body = {"errors": [{"sheet": "", "row": None, "column": "file", "message": message}]}
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


class CompletionListAPI(GenericAPIView):
    """What the caller has completed, online and in person, with topics."""

    serializer_class = s.CompletionSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS,
        operation_id="learning_completions_list",
        responses={200: s.CompletionSerializer(many=True)},
    )
    def get(self, request):
        rows = person_completions(person=request.user.person_id) if request.user.person_id else []
        return Response(s.CompletionSerializer([r.__dict__ for r in rows], many=True).data)
