"""The attendance import (CONTRACT §3): sheets ``sessions`` then
``attendance``, all or nothing, on the registry's tabular import package.

- ``sessions``: upsert by code. Topics are slugs separated by ``,`` or
  ``;``; ``course_slug`` names the online course the session teaches;
  ``end_date`` defaults to ``start_date``.
- ``attendance``: one row per session and person; ``attended`` defaults to
  yes. A present person gets the session completion (and the course
  completion when the session teaches a course), through the same service
  as the admin's attendance screen (``courses.services.attendance_set``);
  ``attended = no`` un-ticks her.

An official imports only sessions of her units (``org_unit_code`` required
and within her scope) and people of her scope. Unknown topics, courses,
units, people or sessions are errors, reported as (sheet, row, column,
message), and nothing is written.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from content.models import CoursePage, Topic
from courses.models import Attendance, TrainingSession
from courses.selectors import can_manage_learning, learning_scope, people_visible_to
from courses.services import attendance_set, session_resync
from lms.registry.importing import (
    LOOKUP_CHUNK,
    Column,
    ImportContext,
    ImportResult,
    Row,
    SheetCounts,
    SheetImporter,
    SheetSpec,
    Upsert,
    code_parser,
    fetch_in,
    list_parser,
    parse_bool,
    parse_date,
    run_import,
    text_parser,
)
from lms.registry.models import OrgUnit, Person, User


def _code(name: str, *aliases: str, required: bool = True) -> Column:
    return Column(name, aliases, required=required, parser=code_parser(max_length=50))


SESSIONS = SheetSpec(
    "sessions",
    aliases=("lớp tập huấn", "buổi tập huấn", "lớp"),
    columns=[
        _code("code", "mã", "mã lớp"),
        Column("title", ("tên lớp", "tên"), required=True, parser=text_parser(max_length=255)),
        Column(
            "topics",
            ("chủ đề",),
            required=True,
            parser=list_parser(code_parser(max_length=50), separators=",;"),
        ),
        Column("course_slug", ("khóa học", "mã khóa học"), parser=code_parser(max_length=255)),
        _code("org_unit_code", "mã địa bàn", required=False),
        Column("start_date", ("ngày bắt đầu", "từ ngày"), required=True, parser=parse_date),
        Column("end_date", ("ngày kết thúc", "đến ngày"), parser=parse_date),
        Column("trainer", ("giảng viên", "báo cáo viên"), parser=text_parser(max_length=255), default=""),
        Column(
            "issues_certificate", ("cấp chứng nhận", "cấp giấy chứng nhận"), parser=parse_bool, default=False
        ),
    ],
)
ATTENDANCE = SheetSpec(
    "attendance",
    aliases=("điểm danh",),
    columns=[
        _code("session_code", "mã lớp"),
        _code("person_code", "mã người"),
        Column("attended", ("có mặt",), parser=parse_bool, default=True),
    ],
)
SHEETS = (SESSIONS, ATTENDANCE)


def _sessions():
    return TrainingSession.objects.select_related("org_unit")


def _in_scope(ctx: ImportContext, unit: OrgUnit | None) -> bool:
    return ctx.scope is None or (unit is not None and unit.path.startswith(ctx.scope.path))


def _seen_before(ctx: ImportContext, row: Row, seen: dict, key, column: str, what: str) -> bool:
    if key in seen:
        ctx.error(row, column, _("%(what)s trùng với dòng %(row)d.") % {"what": what, "row": seen[key]})
        return True
    seen[key] = row.number
    return False


class SessionImporter(SheetImporter):
    spec = SESSIONS
    fields = ["title", "course", "org_unit", "start_date", "end_date", "trainer", "issues_certificate"]

    def __init__(self) -> None:
        self.upsert = Upsert(TrainingSession, fields=self.fields)
        self.topics: dict[str, list[Topic]] = {}  # code -> topics to set
        self.topics_changed: set[str] = set()
        self.previous_course: dict[int, int | None] = {}

    def validate(self, rows: list[Row], ctx: ImportContext) -> None:
        existing = ctx.lookup(TrainingSession, (r["code"] for r in rows), queryset=_sessions())
        units = ctx.lookup(OrgUnit, (r["org_unit_code"] for r in rows))
        topics = {t.slug: t for t in Topic.objects.all()}
        slugs = {r["course_slug"] for r in rows if r["course_slug"]}
        courses: dict[str, list[CoursePage]] = defaultdict(list)
        for course in CoursePage.objects.filter(slug__in=slugs):
            courses[course.slug].append(course)
        current_topics: dict[int, set[str]] = defaultdict(set)
        through = TrainingSession.topics.through.objects.filter(
            trainingsession_id__in=[s.pk for s in existing.values()]
        )
        for session_id, slug in through.values_list("trainingsession_id", "topic__slug"):
            current_topics[session_id].add(slug)
        seen: dict = {}
        for row in rows:
            before = len(ctx.issues)
            code = row["code"]
            if code and _seen_before(ctx, row, seen, code, "code", _("Mã lớp “%s”") % code):
                continue
            obj = existing.get(code)
            if obj is not None and not _in_scope(ctx, obj.org_unit):
                ctx.error(
                    row, "code", _("Lớp tập huấn “%s” thuộc địa bàn ngoài phạm vi bạn phụ trách.") % code
                )
            unknown = [t for t in row["topics"] or [] if t not in topics]
            if unknown:
                ctx.error(
                    row,
                    "topics",
                    _("Không có chủ đề “%(topic)s”. Các chủ đề: %(known)s.")
                    % {"topic": "”, “".join(unknown), "known": ", ".join(topics)},
                )
            course = None
            if row["course_slug"]:
                found = courses.get(row["course_slug"], [])
                if not found:
                    ctx.error(row, "course_slug", _("Không có khóa học “%s”.") % row["course_slug"])
                elif len(found) > 1:
                    ctx.error(row, "course_slug", _("Có nhiều khóa học cùng mã “%s”.") % row["course_slug"])
                else:
                    course = found[0]
            unit = None
            if row["org_unit_code"]:
                unit = units.get(row["org_unit_code"])
                if unit is None:
                    ctx.error(row, "org_unit_code", _("Không có địa bàn mã “%s”.") % row["org_unit_code"])
                elif not _in_scope(ctx, unit):
                    ctx.error(
                        row,
                        "org_unit_code",
                        _("Địa bàn “%s” nằm ngoài phạm vi bạn phụ trách.") % row["org_unit_code"],
                    )
            elif ctx.scope is not None and "org_unit_code" not in row.invalid:
                ctx.error(row, "org_unit_code", _("Cần ghi mã địa bàn (trong phạm vi bạn phụ trách)."))
            start, end = row["start_date"], row["end_date"] or row["start_date"]
            if start and end and end < start:
                ctx.error(
                    row,
                    "end_date",
                    _("Ngày kết thúc (%(end)s) trước ngày bắt đầu (%(start)s).")
                    % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")},
                )
            if not row.ok or len(ctx.issues) > before:
                ctx.define(TrainingSession, code, obj or TrainingSession(code=code))
                continue
            if obj is not None:
                self.previous_course[obj.pk] = obj.course_id
            values = {
                "title": row["title"],
                "course": course,
                "org_unit": unit,
                "start_date": start,
                "end_date": end,
                "trainer": row["trainer"],
                "issues_certificate": row["issues_certificate"],
            }
            wanted = list(dict.fromkeys(row["topics"]))
            self.topics[code] = [topics[t] for t in wanted]
            if obj is not None and set(wanted) != current_topics.get(obj.pk, set()):
                self.topics_changed.add(code)
            updates_before = len(self.upsert.to_update)
            saved = self.upsert.add(existing=obj, key={"code": code}, values=values)
            if (
                obj is not None
                and code in self.topics_changed
                and len(self.upsert.to_update) == updates_before
            ):
                # Only the topics differ: still an update.
                self.upsert.to_update.append(saved)
                self.upsert.unchanged -= 1
            ctx.define(TrainingSession, code, saved)

    def counts(self) -> SheetCounts:
        return self.upsert.counts

    def apply(self, ctx: ImportContext) -> SheetCounts:
        counts = self.upsert.counts
        self.upsert.create()
        self.upsert.update()
        through = TrainingSession.topics.through
        written = [*self.upsert.to_create, *self.upsert.to_update]
        through.objects.filter(trainingsession_id__in=[s.pk for s in self.upsert.to_update]).delete()
        through.objects.bulk_create(
            [through(trainingsession_id=s.pk, topic_id=t.pk) for s in written for t in self.topics[s.code]]
        )
        for session in self.upsert.to_update:
            session_resync(session=session, previous_course_id=self.previous_course.get(session.pk))
        return counts


class AttendanceImporter(SheetImporter):
    spec = ATTENDANCE

    def __init__(self) -> None:
        self.plan: dict[str, tuple[set[int], set[int]]] = {}  # session code -> (present, absent)
        self._counts = SheetCounts()

    def validate(self, rows: list[Row], ctx: ImportContext) -> None:
        sessions = ctx.lookup(TrainingSession, (r["session_code"] for r in rows), queryset=_sessions())
        people = ctx.lookup(Person, (r["person_code"] for r in rows))
        visible = self._visible_people(ctx, people.values())
        recorded = self._recorded(
            [s.pk for s in sessions.values() if s.pk is not None], [p.pk for p in people.values()]
        )
        seen: dict = {}
        for row in rows:
            before = len(ctx.issues)
            session = sessions.get(row["session_code"])
            person = people.get(row["person_code"])
            if row["session_code"] and session is None:
                ctx.error(row, "session_code", _("Không có lớp tập huấn mã “%s”.") % row["session_code"])
            elif session is not None and session.pk is not None and not _in_scope(ctx, session.org_unit):
                ctx.error(
                    row,
                    "session_code",
                    _("Lớp tập huấn “%s” thuộc địa bàn ngoài phạm vi bạn phụ trách.") % row["session_code"],
                )
            if row["person_code"] and person is None:
                ctx.error(row, "person_code", _("Không có người mã “%s”.") % row["person_code"])
            elif person is not None and person.pk not in visible:
                ctx.error(
                    row,
                    "person_code",
                    _("Người có mã “%s” thuộc địa bàn ngoài phạm vi bạn phụ trách.") % row["person_code"],
                )
            key = (row["session_code"], row["person_code"])
            if row.ok and _seen_before(
                ctx,
                row,
                seen,
                key,
                "person_code",
                _("Người “%(person)s” ở lớp “%(session)s”") % {"person": key[1], "session": key[0]},
            ):
                continue
            if not row.ok or len(ctx.issues) > before:
                continue
            present, absent = self.plan.setdefault(session.code, (set(), set()))
            (present if row["attended"] else absent).add(person.pk)
            was = recorded.get((session.pk, person.pk)) if session.pk else None
            if was is None:
                self._counts.created += 1
            elif was != row["attended"]:
                self._counts.updated += 1
            else:
                self._counts.unchanged += 1

    @staticmethod
    def _recorded(session_ids: list[int], person_ids: list[int]) -> dict[tuple[int, int], bool]:
        """Attendance already recorded for these sessions and people."""
        recorded: dict[tuple[int, int], bool] = {}
        if not session_ids:
            return recorded
        for start in range(0, len(person_ids), LOOKUP_CHUNK):
            rows = Attendance.objects.filter(
                session_id__in=session_ids, person_id__in=person_ids[start : start + LOOKUP_CHUNK]
            ).values_list("session_id", "person_id", "attended")
            recorded.update({(sid, pid): attended for sid, pid, attended in rows})
        return recorded

    @staticmethod
    def _visible_people(ctx: ImportContext, people) -> set[int]:
        ids = [p.pk for p in people]
        if ctx.scope is None or ctx.user is None:
            return set(ids)
        return set(fetch_in(people_visible_to(user=ctx.user), "pk", ids))

    def counts(self) -> SheetCounts:
        return self._counts

    def apply(self, ctx: ImportContext) -> SheetCounts:
        sessions = ctx.lookup(TrainingSession, self.plan)
        for code, (present, absent) in self.plan.items():
            attendance_set(session=sessions[code], present=present, absent=absent)
        return self._counts


def attendance_importers() -> list[SheetImporter]:
    return [SessionImporter(), AttendanceImporter()]


def import_attendance(
    source, *, filename: str | None = None, user: User | None = None, dry_run: bool = False
) -> ImportResult:
    """Import sessions and attendance from an ``.xlsx`` workbook or one
    ``.csv`` sheet (CONTRACT §3), all or nothing.

    ``user`` None means the operator (the management command): no scope.
    Otherwise the account must manage learning (trainers, officials, admins;
    ``PermissionDenied``); an official is held to her scope. Never raises
    for bad input: the errors are in the result.
    """
    scope = None
    if user is not None:
        if not can_manage_learning(user):
            raise PermissionDenied
        scope = learning_scope(user)
    return run_import(
        source, importers=attendance_importers(), filename=filename, user=user, scope=scope, dry_run=dry_run
    )
