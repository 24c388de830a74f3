"""Who learns what, how far, with what result.

``Completion`` is the single record of finished training, online or in
person: coverage and certificates read it, never the raw progress tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from content.models import CoursePage, LessonPage, QuizPage, Topic
from lms.registry.models import OrgUnit, Person


class Enrollment(models.Model):
    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        ACTIVE = "active", _("Đang học")
        WITHDRAWN = "withdrawn", _("Đã hủy đăng ký")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("khóa học"), on_delete=models.CASCADE, related_name="enrollments"
    )
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    enrolled_at = models.DateTimeField(_("ngày đăng ký"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("ngày hủy"), null=True, blank=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đăng ký hộ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_lesson = models.ForeignKey(
        LessonPage,
        verbose_name=_("bài học gần nhất"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("hoạt động gần nhất"), null=True, blank=True)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)

    class Meta:
        verbose_name = _("đăng ký học")
        verbose_name_plural = _("đăng ký học")
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_enrollment_per_course"),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | Q(withdrawn_at__isnull=False),
                name="withdrawn_enrollment_has_date",
            ),
        ]
        indexes = [models.Index(fields=["user", "status"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.course}"


class LessonProgress(models.Model):
    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="lesson_progress")
    lesson = models.ForeignKey(LessonPage, on_delete=models.CASCADE, related_name="+")
    done_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tiến độ bài học")
        verbose_name_plural = _("tiến độ bài học")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="one_progress_per_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} – {self.lesson}"


class Attempt(models.Model):
    """One attempt at a quiz. ``questions`` is a snapshot taken at start, with
    the correct answers, so that later edits to the quiz change no result.

    The snapshot is a list, in the order shown to the learner, of
    ``{"id", "type", "prompt", "explanation", "choices": [{"id", "text",
    "correct"}]}``; ids are the StreamField block ids and ListBlock item ids
    (``"true"``/``"false"`` for a true/false question). ``answers`` maps a
    question id to the list of chosen choice ids. At most one attempt per
    learner and quiz is open at a time (a partial unique constraint).
    """

    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("Đang làm")
        SUBMITTED = "submitted", _("Đã nộp")
        EXPIRED = "expired", _("Hết giờ")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("học viên"),
        on_delete=models.CASCADE,
        related_name="attempts",
    )
    quiz = models.ForeignKey(
        QuizPage, verbose_name=_("bài kiểm tra"), on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("lượt"))
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("bắt đầu lúc"), auto_now_add=True)
    deadline = models.DateTimeField(_("hạn nộp"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    questions = models.JSONField(default=list)
    answers = models.JSONField(default=dict, blank=True)
    pass_mark = models.PositiveSmallIntegerField(_("điểm đạt (%)"), default=0)
    correct_count = models.PositiveSmallIntegerField(_("số câu đúng"), null=True, blank=True)
    score = models.DecimalField(_("điểm (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("đạt"), null=True)

    class Meta:
        verbose_name = _("lượt làm bài")
        verbose_name_plural = _("lượt làm bài")
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz", "number"], name="one_attempt_per_number"),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=Q(status="in_progress"),
                name="one_open_attempt_per_quiz",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="attempt_score_is_percent",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(submitted_at__isnull=False),
                name="closed_attempt_has_submitted_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.quiz} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class TrainingSession(models.Model):
    """An in-person workshop, class or study tour."""

    code = models.CharField(_("mã"), max_length=50, unique=True)
    title = models.CharField(_("tên lớp"), max_length=255)
    topics = models.ManyToManyField(Topic, verbose_name=_("chủ đề"), related_name="sessions")
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("khóa học trực tuyến tương ứng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sessions",
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("địa bàn"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    start_date = models.DateField(_("ngày bắt đầu"))
    end_date = models.DateField(_("ngày kết thúc"))
    trainer = models.CharField(_("giảng viên"), max_length=255, blank=True)
    issues_certificate = models.BooleanField(_("cấp giấy chứng nhận"), default=False)

    class Meta:
        verbose_name = _("lớp tập huấn")
        verbose_name_plural = _("lớp tập huấn")
        ordering = ["-start_date", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="session_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """Whether a registry person was present at a session. A row with
    ``attended=False`` records an absence (un-ticked or imported as absent);
    only present rows give a completion."""

    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("lớp tập huấn"), on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.CASCADE, related_name="attendance"
    )
    attended = models.BooleanField(_("có mặt"), default=True)
    recorded_at = models.DateTimeField(_("ghi nhận lúc"), auto_now=True)

    class Meta:
        verbose_name = _("điểm danh")
        verbose_name_plural = _("điểm danh")
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_attendance_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.person}"


class Completion(models.Model):
    """A person finished a course online, or attended an in-person session.

    Exactly one of ``course`` / ``session`` is set. A session that teaches an
    online course writes two rows: one for the session, one for the course.
    A course row is derived from every source the person has (an online
    enrolment completed by her account, sessions teaching the course that she
    attended) and carries the earliest date; ``via_session`` names the session
    that gave that date, if one did. Rows are written only by
    ``courses.services``.
    """

    # Many rows, never content: kept out of Wagtail's reference index, whose
    # update would run on every save.
    wagtail_reference_index_ignore = True

    class Source(models.TextChoices):
        ONLINE = "online", _("Học trực tuyến")
        IN_PERSON = "in_person", _("Tập huấn trực tiếp")

    person = models.ForeignKey(
        Person, verbose_name=_("người"), on_delete=models.CASCADE, related_name="completions"
    )
    course = models.ForeignKey(
        CoursePage,
        verbose_name=_("khóa học"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="completions",
    )
    session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("lớp tập huấn"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="completions",
    )
    completed_on = models.DateField(_("ngày hoàn thành"))
    source = models.CharField(_("hình thức"), max_length=20, choices=Source.choices)
    via_session = models.ForeignKey(
        TrainingSession,
        verbose_name=_("qua lớp tập huấn"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hoàn thành")
        verbose_name_plural = _("hoàn thành")
        constraints = [
            models.CheckConstraint(
                condition=(Q(course__isnull=False) & Q(session__isnull=True))
                | (Q(course__isnull=True) & Q(session__isnull=False)),
                name="completion_course_xor_session",
            ),
            models.UniqueConstraint(fields=["person", "course"], name="one_completion_per_course"),
            models.UniqueConstraint(fields=["person", "session"], name="one_completion_per_session"),
            models.CheckConstraint(
                condition=Q(via_session__isnull=True) | Q(course__isnull=False),
                name="completion_via_session_only_for_course",
            ),
        ]
        indexes = [models.Index(fields=["person", "completed_on"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.course or self.session} ({self.completed_on})"
