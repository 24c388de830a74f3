"""The starter catalogue: YAML files turned into published course pages.

One file per course (``content/catalogue/NN-<slug>.yaml``). ``catalogue_load``
validates every file first (all problems reported, each naming its file),
then, in one transaction, creates or updates a ``CoursePage`` under the
catalogue with its ``LessonPage`` children and one ``QuizPage``. Pages are
matched by slug; a page gets a new published revision only when its content
differs from its latest revision, so loading twice changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import Page

from content.models import CourseIndexPage, CoursePage, LessonPage, QuizPage, Topic

DEFAULT_DIRECTORY = Path(__file__).resolve().parent / "catalogue"

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HTML_TAGS = {"p", "ul", "ol", "li", "strong", "em", "b", "i", "h3", "h4", "br"}
BLOCK_TYPES = ("heading", "paragraph", "callout", "example_table", "checklist")
QUESTION_TYPES = ("single", "multiple", "true_false")
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CatalogueError(Exception):
    """The catalogue cannot be loaded; ``problems`` are one line each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return _("%(created)d trang tạo mới, %(updated)d trang cập nhật, %(unchanged)d trang không đổi.") % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


# --- Validation -----------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)


class _Checker:
    """Collects the problems of one file, each prefixed with where it is."""

    def __init__(self, name: str):
        self.name = name
        self.problems: list[str] = []

    def fail(self, where: str, problem: str) -> None:
        self.problems.append(f"{self.name}: {where}: {problem}" if where else f"{self.name}: {problem}")

    def text(self, data: dict, key: str, where: str, *, required=True, max_length=None) -> str:
        value = data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(where, _("thiếu “%(key)s”") % {"key": key})
            return ""
        if not isinstance(value, str):
            self.fail(where, _("“%(key)s” phải là chuỗi văn bản") % {"key": key})
            return ""
        value = value.strip()
        if max_length and len(value) > max_length:
            self.fail(
                where,
                _("“%(key)s” dài %(length)d ký tự, tối đa %(max)d")
                % {"key": key, "length": len(value), "max": max_length},
            )
        return value

    def html(self, data: dict, key: str, where: str, *, required=True) -> str:
        value = self.text(data, key, where, required=required)
        if value:
            parser = _Tags()
            parser.feed(value)
            bad = sorted(parser.tags - HTML_TAGS)
            if bad:
                self.fail(
                    where,
                    _("“%(key)s” dùng thẻ HTML không được phép: %(tags)s")
                    % {"key": key, "tags": ", ".join(f"<{t}>" for t in bad)},
                )
        return value

    def slug(self, data: dict, where: str) -> str:
        value = self.text(data, "slug", where, max_length=255)
        if value and not SLUG.match(value):
            self.fail(
                where,
                _("slug “%(slug)s” chỉ được gồm chữ thường không dấu, số và dấu gạch ngang")
                % {"slug": value},
            )
        return value

    def boolean(self, data: dict, key: str, where: str, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.fail(where, _("“%(key)s” phải là true hoặc false") % {"key": key})
            return default
        return value

    def integer(self, data: dict, key: str, where: str, *, default=None, low=0, high=32767, nullable=False):
        value = data.get(key, default)
        if value is None and nullable:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, _("“%(key)s” phải là số nguyên") % {"key": key})
            return default
        if not low <= value <= high:
            self.fail(
                where, _("“%(key)s” phải từ %(low)d đến %(high)d") % {"key": key, "low": low, "high": high}
            )
        return value

    def mapping(self, value, where: str) -> dict:
        if not isinstance(value, dict):
            self.fail(where, _("phải là một bảng khóa: giá trị"))
            return {}
        return value

    def sequence(self, value, where: str, *, minimum: int = 1) -> list:
        if not isinstance(value, list):
            self.fail(where, _("phải là một danh sách"))
            return []
        if len(value) < minimum:
            self.fail(where, _("cần ít nhất %(n)d mục") % {"n": minimum})
        return value


def _block(check: _Checker, item, where: str) -> dict | None:
    if not isinstance(item, dict) or len(item) != 1:
        check.fail(
            where,
            _("mỗi mục phải có đúng một khóa, một trong: %(types)s") % {"types": ", ".join(BLOCK_TYPES)},
        )
        return None
    ((kind, value),) = item.items()
    if kind not in BLOCK_TYPES:
        check.fail(
            where,
            _("loại khối “%(kind)s” không có; dùng một trong: %(types)s")
            % {"kind": kind, "types": ", ".join(BLOCK_TYPES)},
        )
        return None
    where = f"{where} ({kind})"
    if kind == "heading":
        if not isinstance(value, str) or not value.strip():
            check.fail(where, _("tiêu đề mục phải là chuỗi văn bản"))
            return None
        return {"type": kind, "value": value.strip()}
    if kind == "paragraph":
        return {"type": kind, "value": check.html({"paragraph": value}, "paragraph", where)}
    value = check.mapping(value, where)
    if kind == "callout":
        callout = value.get("kind", "tip")
        if callout not in ("tip", "warning"):
            check.fail(where, _("“kind” phải là tip hoặc warning"))
        return {"type": kind, "value": {"kind": callout, "text": check.html(value, "text", where)}}
    if kind == "example_table":
        header = check.text(value, "header", where)
        rows = check.text(value, "rows", where)
        width = len(header.split("|"))
        for number, line in enumerate((r for r in rows.splitlines() if r.strip()), start=1):
            if len(line.split("|")) > width:
                check.fail(
                    where,
                    _("dòng %(row)d có %(cells)d ô, nhiều hơn dòng tiêu đề (%(width)d ô)")
                    % {"row": number, "cells": len(line.split("|")), "width": width},
                )
        return {
            "type": kind,
            "value": {
                "title": check.text(value, "title", where, required=False),
                "header": header,
                "rows": rows,
                "note": check.text(value, "note", where, required=False),
            },
        }
    items = check.sequence(value.get("items"), f"{where}: items")
    if any(not isinstance(i, str) or not i.strip() for i in items):
        check.fail(where, _("mỗi mục của “items” phải là chuỗi văn bản"))
    return {
        "type": kind,
        "value": {
            "title": check.text(value, "title", where, required=False),
            "items": [str(i).strip() for i in items],
        },
    }


def _question(check: _Checker, item, where: str) -> dict | None:
    item = check.mapping(item, where)
    kind = item.get("type")
    if kind not in QUESTION_TYPES:
        check.fail(where, _("“type” phải là một trong: %(types)s") % {"types": ", ".join(QUESTION_TYPES)})
        return None
    value = {"prompt": check.text(item, "prompt", where)}
    if kind == "true_false":
        if not isinstance(item.get("answer"), bool):
            check.fail(where, _("“answer” phải là true hoặc false"))
        value["answer"] = bool(item.get("answer"))
    else:
        choices = []
        for n, choice in enumerate(
            check.sequence(item.get("choices"), f"{where}: choices", minimum=2), start=1
        ):
            choice_where = _("%(where)s: phương án %(n)d") % {"where": where, "n": n}
            choice = check.mapping(choice, choice_where)
            correct = choice.get("correct", False)
            if not isinstance(correct, bool):
                check.fail(choice_where, _("“correct” phải là true hoặc false"))
            choices.append({"text": check.text(choice, "text", choice_where), "correct": bool(correct)})
        right = sum(c["correct"] for c in choices)
        if kind == "single" and right != 1:
            check.fail(
                where, _("câu một lựa chọn phải có đúng một phương án đúng (đang có %(n)d)") % {"n": right}
            )
        if kind == "multiple" and right < 2:
            check.fail(
                where, _("câu nhiều lựa chọn phải có từ hai phương án đúng (đang có %(n)d)") % {"n": right}
            )
        value["choices"] = choices
    value["explanation"] = check.text(item, "explanation", where, required=False)
    return {"type": kind, "value": value}


def catalogue_parse_file(path: Path) -> dict:
    """Read and validate one course file; raise ``CatalogueError`` naming the
    file and every problem found. Returns the course, normalised."""
    check = _Checker(path.name)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except UnicodeDecodeError:
        raise CatalogueError([f"{path.name}: " + _("tệp không phải văn bản UTF-8")]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (
            _(" (dòng %(line)d, cột %(column)d)") % {"line": mark.line + 1, "column": mark.column + 1}
            if mark
            else ""
        )
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogueError([f"{path.name}: " + _("YAML không hợp lệ") + f"{line}: {problem}"]) from None
    if not isinstance(data, dict):
        raise CatalogueError(
            [f"{path.name}: " + _("tệp phải là một bảng khóa: giá trị (slug, title, lessons...)")]
        )

    course: dict[str, Any] = {
        "file": path.name,
        "slug": check.slug(data, ""),
        "title": check.text(data, "title", "", max_length=255),
        "summary": check.text(data, "summary", "", max_length=600),
        "description": check.html(data, "description", "", required=False),
        "earns_certificate": check.boolean(data, "earns_certificate", "", True),
    }
    topics = check.sequence(data.get("topics"), "topics")
    unknown = [t for t in topics if t not in Topic.objects.values_list("slug", flat=True)]
    if unknown:
        check.fail("topics", _("chủ đề không có: %(topics)s") % {"topics": ", ".join(map(str, unknown))})
    course["topics"] = sorted(set(map(str, topics)))
    audience = data.get("audience", CoursePage.Audience.EVERYONE)
    if audience not in CoursePage.Audience.values:
        check.fail(
            "audience", _("phải là một trong: %(values)s") % {"values": ", ".join(CoursePage.Audience.values)}
        )
    course["audience"] = audience
    try:
        hours = Decimal(str(data.get("estimated_hours", 2)))
        if not Decimal(0) <= hours < Decimal(10000):
            raise InvalidOperation
        course["estimated_hours"] = hours.quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        check.fail("estimated_hours", _("phải là một số giờ từ 0 trở lên"))
        course["estimated_hours"] = Decimal(0)
    outcomes = check.sequence(data.get("outcomes", []), "outcomes", minimum=0)
    if any(not isinstance(o, str) or not o.strip() for o in outcomes):
        check.fail("outcomes", _("mỗi kết quả học tập phải là chuỗi văn bản"))
    course["outcomes"] = [{"type": "outcome", "value": str(o).strip()} for o in outcomes]

    lessons, seen = [], set()
    for n, raw in enumerate(check.sequence(data.get("lessons"), "lessons"), start=1):
        where = _("bài %(n)d") % {"n": n}
        raw = check.mapping(raw, where)
        slug = check.slug(raw, where)
        if slug in seen:
            check.fail(where, _("slug “%(slug)s” trùng với một bài khác trong khóa") % {"slug": slug})
        seen.add(slug)
        body = [
            _block(check, item, _("%(where)s, khối %(n)d") % {"where": where, "n": i})
            for i, item in enumerate(check.sequence(raw.get("body"), f"{where}: body"), start=1)
        ]
        lessons.append(
            {
                "slug": slug,
                "title": check.text(raw, "title", where, max_length=255),
                "estimated_minutes": check.integer(raw, "estimated_minutes", where, default=15, low=1),
                "body": [b for b in body if b],
            }
        )
    course["lessons"] = lessons

    raw = check.mapping(data.get("quiz"), "quiz")
    quiz_slug = check.slug(raw, "quiz")
    if quiz_slug in seen:
        check.fail("quiz", _("slug “%(slug)s” trùng với slug của một bài học") % {"slug": quiz_slug})
    review = raw.get("review", QuizPage.Review.FULL)
    if review not in QuizPage.Review.values:
        check.fail(
            "quiz",
            _("“review” phải là một trong: %(values)s") % {"values": ", ".join(QuizPage.Review.values)},
        )
    questions = [
        _question(check, item, _("quiz, câu %(n)d") % {"n": i})
        for i, item in enumerate(check.sequence(raw.get("questions"), "quiz: questions"), start=1)
    ]
    course["quiz"] = {
        "slug": quiz_slug,
        "title": check.text(raw, "title", "quiz", max_length=255),
        "intro": check.html(raw, "intro", "quiz", required=False),
        "pass_mark": check.integer(raw, "pass_mark", "quiz", default=70, high=100),
        "max_attempts": check.integer(raw, "max_attempts", "quiz", default=3),
        "time_limit_minutes": check.integer(raw, "time_limit_minutes", "quiz", low=1, nullable=True),
        "shuffle_questions": check.boolean(raw, "shuffle_questions", "quiz", False),
        "shuffle_choices": check.boolean(raw, "shuffle_choices", "quiz", False),
        "review": review,
        "questions": [q for q in questions if q],
    }
    if check.problems:
        raise CatalogueError(check.problems)
    return course


def catalogue_parse(directory: Path) -> list[dict]:
    """Every ``*.yaml`` of ``directory``, in file-name order, validated."""
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise CatalogueError([f"{directory}: " + _("không có tệp .yaml nào")])
    courses, problems, slugs = [], [], {}
    for path in files:
        try:
            course = catalogue_parse_file(path)
        except CatalogueError as exc:
            problems.extend(exc.problems)
            continue
        if course["slug"] in slugs:
            problems.append(
                f"{path.name}: "
                + _("slug “%(slug)s” đã dùng trong %(file)s")
                % {"slug": course["slug"], "file": slugs[course["slug"]]}
            )
        slugs[course["slug"]] = path.name
        courses.append(course)
    if problems:
        raise CatalogueError(problems)
    return courses


# --- Loading --------------------------------------------------------------


def _strip_ids(value):
    if isinstance(value, dict):
        return {k: _strip_ids(v) for k, v in value.items() if k != "id"}
    if isinstance(value, list):
        return [_strip_ids(v) for v in value]
    return value


def _stream(page: Page, name: str, raw: list | None = None) -> list:
    """A StreamField's content without block ids, comparable across saves."""
    stream_field = page._meta.get_field(name)
    value = getattr(page, name) if raw is None else stream_field.stream_block.to_python(raw)
    return [(child.block_type, _strip_ids(child.block.get_prep_value(child.value))) for child in value]


def _apply(page: Page, fields: dict, streams: dict) -> bool:
    """Set ``fields`` and ``streams`` on ``page``; True when anything changed."""
    changed = False
    for name, value in fields.items():
        if getattr(page, name) != value:
            setattr(page, name, value)
            changed = True
    for name, raw in streams.items():
        if _stream(page, name) != _stream(page, name, raw):
            setattr(page, name, raw)
            changed = True
    return changed


def _save(page: Page, parent: Page | None, fields: dict, streams: dict, report: LoadReport, label: str):
    """Create ``page`` under ``parent`` (when ``parent`` is given) or update
    it, publishing a new revision only when its content changed."""
    if parent is not None:
        _apply(page, fields, streams)
        parent.add_child(instance=page)
        page.save_revision(log_action=True).publish()
        report.created.append(label)
        return page
    current = page.get_latest_revision_as_object()
    if _apply(current, fields, streams):
        current.save_revision(log_action=True).publish()
        report.updated.append(label)
    else:
        report.unchanged.append(label)
    return page


def _course(index: CourseIndexPage, spec: dict, topics: dict, report: LoadReport, covers: bool):
    fields = {
        key: spec[key]
        for key in ("title", "summary", "description", "audience", "estimated_hours", "earns_certificate")
    }
    wanted_topics = [topics[slug] for slug in spec["topics"]]
    course = CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
    label = spec["slug"]
    if course is None:
        course = CoursePage(slug=spec["slug"])
        if covers:
            from content.covers import course_cover

            course.cover_image = course_cover(slug=spec["slug"], title=spec["title"], topic=spec["topics"][0])
        _apply(course, fields, {"outcomes": spec["outcomes"]})
        index.add_child(instance=course)
        course.topics.set(wanted_topics)
        course.save_revision(log_action=True).publish()
        report.created.append(label)
    else:
        current = course.get_latest_revision_as_object()
        changed = _apply(current, fields, {"outcomes": spec["outcomes"]})
        if {t.pk for t in current.topics.all()} != {t.pk for t in wanted_topics}:
            current.topics.set(wanted_topics)
            changed = True
        if covers and current.cover_image_id is None:
            from content.covers import course_cover

            current.cover_image = course_cover(
                slug=spec["slug"], title=spec["title"], topic=spec["topics"][0]
            )
            changed = True
        if changed:
            current.save_revision(log_action=True).publish()
            report.updated.append(label)
        else:
            report.unchanged.append(label)
        course = CoursePage.objects.get(pk=course.pk)

    pages = []
    for lesson in spec["lessons"]:
        existing = LessonPage.objects.child_of(course).filter(slug=lesson["slug"]).first()
        page = _save(
            existing or LessonPage(slug=lesson["slug"]),
            None if existing else course,
            {"title": lesson["title"], "estimated_minutes": lesson["estimated_minutes"]},
            {"body": lesson["body"]},
            report,
            f"{label}/{lesson['slug']}",
        )
        pages.append(page)
    quiz = dict(spec["quiz"])
    questions = quiz.pop("questions")
    existing = QuizPage.objects.child_of(course).filter(slug=quiz["slug"]).first()
    pages.append(
        _save(
            existing or QuizPage(slug=quiz["slug"]),
            None if existing else course,
            quiz,
            {"questions": questions},
            report,
            f"{label}/{quiz['slug']}",
        )
    )
    _order_children(course, pages)


def _order_children(course: CoursePage, pages: list[Page]) -> None:
    """Put the catalogue's lessons, then the quiz, in the file's order (after
    any page a trainer added by hand); move nothing when already in order."""
    wanted = [p.pk for p in pages]
    current = [pk for pk in course.get_children().values_list("pk", flat=True) if pk in set(wanted)]
    if current == wanted:
        return
    for pk in wanted:
        Page.objects.get(pk=pk).move(Page.objects.get(pk=course.pk), pos="last-child")


def catalogue_load(*, directory: Path = DEFAULT_DIRECTORY, covers: bool = True) -> LoadReport:
    """Create or update the courses of ``directory`` under the catalogue.

    Validates every file before writing anything; writes in one transaction.
    Raises ``CatalogueError`` on invalid files or a missing catalogue page.
    """
    courses = catalogue_parse(Path(directory))
    index = CourseIndexPage.objects.order_by("path").first()
    if index is None:
        raise CatalogueError([_("Chưa có trang danh mục khóa học: hãy chạy migrate trước.")])
    topics = {t.slug: t for t in Topic.objects.all()}
    report = LoadReport()
    with transaction.atomic():
        for spec in courses:
            try:
                _course(index, spec, topics, report, covers)
            except ValidationError as exc:
                messages = "; ".join(exc.messages)
                raise CatalogueError(
                    [f"{spec['file']}: " + _("không lưu được: %(m)s") % {"m": messages}]
                ) from exc
    return report
