"""Wagtail pages: what is taught.

Pages present and are edited; the state of learning (enrolments, progress,
attempts, certificates) lives in plain models of ``courses`` and
``certificates`` that refer to these pages by id.

Per-learner context: the ``nangtam_learning_context`` hook
-----------------------------------------------------------

``content`` never imports ``courses``. Course, lesson and quiz pages ask for
the learner's part of the page through the Wagtail hook
``nangtam_learning_context`` (the name is ``LEARNING_CONTEXT_HOOK``)::

    from wagtail import hooks

    @hooks.register("nangtam_learning_context")
    def learning_for_page(*, request, page):
        ...
        return {"panel_template": "courses/includes/panel.html", ...}  # or None

Contract:

* Called from ``get_context`` of ``CoursePage``, ``LessonPage`` and
  ``QuizPage`` (and only those), once per rendering, as
  ``fn(request=request, page=page)``; ``page`` is the specific page
  (``CoursePage``, ``LessonPage`` or ``QuizPage``; use ``isinstance``).
  ``request.user`` may be anonymous.
* Not called when the page is rendered as a preview in the admin
  (``request.is_preview``): the page may then be unsaved.
* Each function returns a ``dict`` or ``None``. The dicts are merged, in
  hook order (``dict.update``), into ``context["learning"]``, which is always
  a dict (empty when no hook answers).
* Keys the templates read:

  ``panel_template``
      A template name, included with the page's full context (``page``,
      ``learning``, ``request``...): in the course page header (enrol button,
      progress), at the end of a lesson body (mark-as-done button) and on
      the quiz page (start / resume an attempt).
  ``done_lesson_ids``
      A ``set`` of ``LessonPage`` ids the learner has finished; the course
      syllabus and the lesson page mark them done.

  Any other key is free for the panel template to use (``learning.enrollment``...).
* A hook must run a constant number of queries whatever the size of the
  course: lesson pages have their query count pinned in tests.
"""

from __future__ import annotations

import copy

from django import forms
from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index
from wagtail.url_routing import RouteResult

from content.blocks import LessonStreamBlock, OutcomeStreamBlock, QuestionStreamBlock
from content.frames import Frame
from content.richtext import CleanRichTextField as RichTextField
from content.routing import cache_is_shared, frame_key, recall, remember, route_key
from content.text import fold

LEARNING_CONTEXT_HOOK = "nangtam_learning_context"


def learning_context(*, request, page) -> dict:
    """The merged answers of the ``nangtam_learning_context`` hooks (see the
    module docstring); empty in previews."""
    learning: dict = {}
    if request is None or getattr(request, "is_preview", False):
        return learning
    for fn in hooks.get_hooks(LEARNING_CONTEXT_HOOK):
        answer = fn(request=request, page=page)
        if answer:
            learning.update(answer)
    return learning


class LearningContextMixin:
    """Puts ``learning`` (the hooks' answers) in the template context."""

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["learning"] = learning_context(request=request, page=self)
        return context


class ViewRestrictionsMixin:
    """The view restrictions of the page and its ancestors in one query
    (Wagtail's own reads the ancestors first, then their restrictions).
    As in Wagtail, an alias page is ruled by its source page's restrictions.
    A page served from a remembered route carries them, read when the route
    was remembered (``content.routing``: any change to a restriction makes
    the route forgotten)."""

    def get_view_restrictions(self):
        remembered = self.__dict__.get("remembered_view_restrictions")
        if remembered is not None:
            return remembered
        steplen = Page.steplen
        chain = Page.objects.filter(
            path__in=[self.path[:i] for i in range(steplen, len(self.path) + 1, steplen)]
        )
        return PageViewRestriction.objects.filter(
            models.Q(page__in=chain.filter(alias_of__isnull=True).values("pk"))
            | models.Q(page__in=chain.filter(alias_of__isnull=False).values("alias_of"))
        )

    def remember_view_restrictions(self) -> None:
        self.remembered_view_restrictions = list(self.get_view_restrictions())


class CachedRouteMixin:
    """Routing of the site's root page without walking the tree: the page a
    path leads to is remembered (``content.routing``). With a shared cache
    it is served as remembered, with its view restrictions and, for a
    lesson, its navigation, until anything in the page tree changes; with a
    cache of the process's own, one query reloads it and it is used only if
    it is still live at that path.

    Only paths that end on a catalogue, course, lesson or quiz page are
    remembered: those page types and their ancestors route as Wagtail's
    ``Page.route`` does (a child by slug, then "is it live?"), so the page
    found is the one Wagtail's walk would find. Anything else, or a miss,
    takes Wagtail's walk.
    """

    def route(self, request, path_components):
        if not path_components or getattr(request, "is_preview", False):
            return super().route(request, path_components)
        url_path = self.url_path + "/".join(path_components) + "/"
        key = route_key(self.pk, url_path)
        shared = cache_is_shared()
        if shared:
            # A lesson's frame comes in the same round trip, should the path lead to one.
            version, (page, frame) = recall(key, frame_key(request, url_path), request=request)
            if isinstance(page, LessonPage) and frame is not None:
                page.remembered_frame = frame
        else:
            version, (page,) = recall(key, any_version=True)
            if page is not None:
                page = type(page).objects.filter(pk=page.pk).first()
                if page is not None and not (page.live and page.url_path == url_path):
                    page = None
        if page is not None:
            return RouteResult(page)
        result = super().route(request, path_components)
        page, args, kwargs = result
        if type(page) in ROUTED_TYPES and not args and not kwargs and page.url_path == url_path:
            if shared:
                page.remember_view_restrictions()
                if isinstance(page, LessonPage):
                    page.navigation  # noqa: B018 - read now, to be remembered with the page
            remember(key, version, _as_remembered(page))
        return result


# What a page served from a remembered route does not read (its parent, its
# folded words for search), left out of the route so that it is small to
# read from the cache on every request; should it be read, it loads then.
NOT_REMEMBERED = ("_cached_parent_obj", "search_text")


def _as_remembered(page: Page) -> Page:
    """A copy of ``page`` without what ``NOT_REMEMBERED`` and the page
    type's ``not_remembered`` name."""
    kept = copy.copy(page)
    for name in (*NOT_REMEMBERED, *getattr(page, "not_remembered", ())):
        kept.__dict__.pop(name, None)
    return kept


TOPIC_LABELS = {
    "governance": _("Quản trị, điều hành"),
    "accounting": _("Kế toán, tài chính"),
    "ecommerce": _("Thương mại điện tử"),
    "technology": _("Chuyển giao khoa học – kỹ thuật, ứng dụng công nghệ"),
    "advocacy": _("Kỹ năng tuyên truyền, vận động"),
    "coop_development": _("Hỗ trợ phát triển kinh tế tập thể, HTX"),
    "other": _("Khác"),
}


class Topic(models.Model):
    """A training topic (CONTRACT §3). Courses and in-person sessions carry topics;
    coverage indicators count evidence by topic."""

    slug = models.SlugField(_("mã chủ đề"), max_length=50, unique=True)
    name = models.CharField(_("tên"), max_length=255)

    class Meta:
        verbose_name = _("chủ đề")
        verbose_name_plural = _("chủ đề")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self):
        return TOPIC_LABELS.get(self.slug, self.name)


class HomePage(CachedRouteMixin, Page):
    intro = RichTextField(_("giới thiệu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["content.CourseIndexPage"]
    max_count = 1

    class Meta:
        verbose_name = _("trang chủ")

    def get_context(self, request, *args, **kwargs):
        from content.selectors import featured_courses

        context = super().get_context(request, *args, **kwargs)
        context["featured"] = featured_courses(limit=3)
        context["catalogue"] = CourseIndexPage.objects.live().child_of(self).first()
        return context


class CourseIndexPage(ViewRestrictionsMixin, Page):
    """The catalogue."""

    intro = RichTextField(_("giới thiệu"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["content.HomePage", "wagtailcore.Page"]
    subpage_types = ["content.CoursePage"]

    class Meta:
        verbose_name = _("danh mục khóa học")

    def get_context(self, request, *args, **kwargs):
        """``?topic=<slug>`` keeps one topic's courses; ``?q=`` searches courses
        and lessons ignoring diacritics and case."""
        from content.selectors import catalogue_search, catalogue_topics

        context = super().get_context(request, *args, **kwargs)
        q = request.GET.get("q", "").strip()[:100]
        topic = request.GET.get("topic", "").strip()[:50]
        topics = catalogue_topics()
        if topic and topic not in {t.slug for t in topics}:
            topic = ""
        context.update(
            q=q,
            topic=topic,
            topics=topics,
            result=catalogue_search(q=q, topic=topic),
        )
        return context


class SearchTextMixin(models.Model):
    """Keeps ``search_text``: the page's words folded (no diacritics, lower
    case), so that "ke toan" finds "Kế toán" on SQLite and PostgreSQL alike."""

    search_text = models.TextField(editable=False, blank=True, default="")

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.search_text = fold(" ".join(strip_tags(str(part)) for part in self.search_source()))
        return super().save(*args, **kwargs)

    def search_source(self) -> list[str]:
        return [self.title]


class CoursePage(ViewRestrictionsMixin, LearningContextMixin, SearchTextMixin, Page):
    class Audience(models.TextChoices):
        MANAGERS = "managers", _("Nữ quản lý HTX, THT")
        MEMBERS = "members", _("Thành viên, người lao động HTX")
        CADRES = "cadres", _("Cán bộ Hội")
        EVERYONE = "everyone", _("Mọi người")

    summary = models.TextField(_("tóm tắt"), max_length=600)
    description = RichTextField(_("giới thiệu chi tiết"), blank=True)
    topics = ParentalManyToManyField(Topic, verbose_name=_("chủ đề"), related_name="courses")
    audience = models.CharField(
        _("đối tượng"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    estimated_hours = models.DecimalField(
        _("số giờ học dự kiến"), max_digits=5, decimal_places=1, default=2, validators=[MinValueValidator(0)]
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh bìa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcomes = StreamField(OutcomeStreamBlock(), verbose_name=_("kết quả học tập"), blank=True)
    earns_certificate = models.BooleanField(_("hoàn thành được cấp giấy chứng nhận"), default=True)

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("audience"),
                FieldPanel("estimated_hours"),
                FieldPanel("earns_certificate"),
            ],
            heading=_("Thông tin khóa học"),
        ),
        FieldPanel("cover_image"),
        FieldPanel("outcomes"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary"), index.SearchField("search_text")]
    parent_page_types = ["content.CourseIndexPage"]
    subpage_types = ["content.LessonPage", "content.QuizPage"]

    class Meta:
        verbose_name = _("khóa học")
        verbose_name_plural = _("khóa học")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_hours__gte=0), name="course_hours_not_negative"
            ),
        ]

    def search_source(self) -> list[str]:
        return [self.title, self.summary, self.description, *(str(o.value) for o in self.outcomes)]

    def get_context(self, request, *args, **kwargs):
        from content.selectors import course_syllabus

        context = super().get_context(request, *args, **kwargs)
        context["syllabus"] = course_syllabus(course=self)
        context["catalogue"] = Page.objects.filter(path=self.path[: -Page.steplen]).first()
        return context


class LessonPage(ViewRestrictionsMixin, LearningContextMixin, SearchTextMixin, Page):
    body = StreamField(LessonStreamBlock(), verbose_name=_("nội dung"))
    estimated_minutes = models.PositiveSmallIntegerField(_("số phút đọc dự kiến"), default=15)

    content_panels = Page.content_panels + [FieldPanel("estimated_minutes"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("search_text")]
    parent_page_types = ["content.CoursePage"]
    subpage_types: list[str] = []
    # Its rendered body is kept, per revision (``rendered_body``).
    not_remembered = ("body",)

    class Meta:
        verbose_name = _("bài học")
        verbose_name_plural = _("bài học")

    def search_source(self) -> list[str]:
        return [self.title, *self.body.stream_block.get_searchable_content(self.body)]

    @cached_property
    def navigation(self):
        """Where the lesson sits in its course (``content.selectors.LessonNavigation``):
        its neighbours, the course, the catalogue and the course's live
        lessons and quizzes. Read once per rendering; the learning hooks may
        use it too."""
        from content.selectors import lesson_navigation

        return lesson_navigation(lesson=self)

    def body_cache_key(self) -> str | None:
        """The cache key of the rendered body: the page, its live revision
        (with its publication time) and the language. Publishing a new
        revision changes it, so nothing needs deleting. None when the page
        has no published revision to name."""
        if self.pk is None or self.live_revision_id is None or self.last_published_at is None:
            return None
        published = int(self.last_published_at.timestamp() * 1_000_000)
        return f"content:lesson-body:{self.pk}:{self.live_revision_id}:{published}:{get_language()}"

    def rendered_body(self, request) -> str:
        """The body's HTML, the same for every learner: its blocks use no
        request, account or form token. Rendered once per published revision
        and language, then taken from the cache; previews always render."""
        key = None if getattr(request, "is_preview", False) else self.body_cache_key()
        if key is not None:
            html = cache.get(key)
            if html is not None:
                return mark_safe(html)  # noqa: S308 - our own rendering, cached
        html = render_to_string("content/includes/lesson_body.html", {"page": self})
        if key is not None:
            cache.set(key, str(html), BODY_CACHE_SECONDS)
        return html

    def page_frame(self, request) -> Frame:
        """The page as every visitor alike sees it, with holes for her own
        parts (``content.frames``): the account bar, the "done" badge and the
        learning panel. Rendered once per tree version (``content.routing``:
        a publish anywhere in the tree makes a new one), site, language and
        menu (see ``frame_key``), then taken from the cache (usually along
        with the page's route). Only with a shared cache."""
        frame = self.__dict__.get("remembered_frame")
        if frame is not None:
            return frame
        key = frame_key(request, self.url_path)
        version, (frame,) = recall(key, request=request)
        if frame is None:
            context = Page.get_context(self, request)
            context.update(self._lesson_context(request))
            frame = Frame.render(self.get_template(request), context, request)
            remember(key, version, frame)
        return frame

    def _lesson_context(self, request) -> dict:
        return {"nav": self.navigation, "body_html": self.rendered_body(request)}

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self._lesson_context(request))
        return context

    def serve(self, request, *args, **kwargs):
        """With a shared cache, the page's frame filled with the visitor's
        own parts; else rendered whole, as Wagtail does. Previews are
        rendered whole (``serve_preview``)."""
        if not cache_is_shared() or self.pk is None:
            return super().serve(request, *args, **kwargs)
        request.is_preview = False
        frame = self.page_frame(request)
        context = Page.get_context(self, request)
        context["learning"] = learning_context(request=request, page=self)
        return HttpResponse(frame.fill(request, context))


# A rendered lesson body stays in the cache this long (seconds): it bounds
# how long a link inside it to a page since moved keeps its old address. A
# new revision has a new key anyway.
BODY_CACHE_SECONDS = 24 * 60 * 60


class QuizPage(ViewRestrictionsMixin, LearningContextMixin, Page):
    class Review(models.TextChoices):
        FULL = "full", _("Hiện đúng/sai và giải thích từng câu sau khi nộp")
        SCORE = "score", _("Chỉ hiện điểm")
        AFTER_PASS = "after_pass", _("Hiện giải thích khi đã đạt")

    intro = RichTextField(_("hướng dẫn"), blank=True)
    pass_mark = models.PositiveSmallIntegerField(
        _("điểm đạt (%)"),
        default=70,
        validators=[MaxValueValidator(100)],
        help_text=_("Tỉ lệ câu đúng tối thiểu để đạt, từ 0 đến 100."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("số lượt làm bài tối đa"), default=3, help_text=_("0 nghĩa là không giới hạn.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("thời gian làm bài (phút)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Để trống nếu không giới hạn."),
    )
    shuffle_questions = models.BooleanField(_("xáo trộn câu hỏi"), default=False)
    shuffle_choices = models.BooleanField(_("xáo trộn phương án"), default=False)
    review = models.CharField(
        _("xem lại sau khi nộp"), max_length=20, choices=Review.choices, default=Review.FULL
    )
    questions = StreamField(QuestionStreamBlock(), verbose_name=_("câu hỏi"))

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("max_attempts"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
                FieldPanel("review"),
            ],
            heading=_("Quy định làm bài"),
        ),
        FieldPanel("questions"),
    ]
    parent_page_types = ["content.CoursePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("bài kiểm tra")
        verbose_name_plural = _("bài kiểm tra")
        constraints = [
            models.CheckConstraint(condition=models.Q(pass_mark__lte=100), name="quiz_pass_mark_at_most_100"),
            models.CheckConstraint(
                condition=models.Q(time_limit_minutes__isnull=True) | models.Q(time_limit_minutes__gte=1),
                name="quiz_time_limit_positive",
            ),
        ]

    def get_context(self, request, *args, **kwargs):
        from content.selectors import page_course_and_catalogue

        context = super().get_context(request, *args, **kwargs)
        context["course"], context["catalogue"] = page_course_and_catalogue(page=self)
        return context


# The page types CachedRouteMixin may remember a path to.
ROUTED_TYPES = (CourseIndexPage, CoursePage, LessonPage, QuizPage)
