"""A deterministic national-scale registry for benchmarks (``generate_scale_data``).

Rows are streamed straight into the tables: PostgreSQL's ``COPY`` when the
database is PostgreSQL, batched ``INSERT``s otherwise. Columns the generator
does not choose take their model default, so new fields with a default never
break it. Ids are assigned here (after the highest existing one), so that
materialised paths are known before writing and no row is read back.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.utils import timezone

from certificates.models import Certificate
from content.models import CourseIndexPage, CoursePage, Topic
from courses.models import Completion, TrainingSession
from lms.coverage import members
from lms.coverage.models import Indicator, Member, Plan
from lms.registry.models import (
    MANAGER_ROLES,
    Affiliation,
    CadrePosition,
    Cooperative,
    OrgUnit,
    Person,
    Role,
)

D = datetime.date
SCALE_PLAN = "toan-quoc-2024"
ROOT_CODE = "VN"
TOPICS = ["governance", "accounting", "ecommerce", "technology", "advocacy", "coop_development", "other"]
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Võ",
    "Phan",
    "Trương",
    "Bùi",
    "Đặng",
    "Đỗ",
    "Ngô",
]
MIDDLE = {
    "F": ["Thị", "Ngọc", "Thu", "Kim", "Mỹ"],
    "M": ["Văn", "Hữu", "Minh", "Công"],
    "X": ["Thanh", "Minh"],
}
GIVEN = [
    "Lan",
    "Hoa",
    "Mai",
    "Hằng",
    "Nga",
    "Thảo",
    "Hạnh",
    "Tuyết",
    "Phượng",
    "Dung",
    "Hương",
    "Yến",
    "Trang",
]
EARLY, LATE = D(2022, 1, 1), D(2025, 6, 30)


@dataclass(frozen=True)
class Sizes:
    provinces: int = 63
    districts: int = 700
    communes: int = 10_000
    cooperatives: int = 100_000
    people: int = 1_000_000
    affiliations: int = 1_500_000
    cadres: int = 200_000
    sessions: int = 20_000
    completions: int = 3_000_000
    certificates: int = 300_000
    courses: int = 12

    def scaled(self, factor: float) -> Sizes:
        """Every count times ``factor``; the tree keeps its 63 provinces and
        at least one district per province and one commune per district."""
        if factor == 1:
            return self

        def s(n: int, least: int = 1) -> int:
            return max(least, round(n * factor))

        districts = s(self.districts, self.provinces)
        return Sizes(
            provinces=self.provinces,
            districts=districts,
            communes=s(self.communes, districts),
            cooperatives=s(self.cooperatives),
            people=s(self.people),
            affiliations=s(self.affiliations),
            cadres=s(self.cadres),
            sessions=s(self.sessions),
            completions=s(self.completions),
            certificates=s(self.certificates),
            courses=self.courses,
        )


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    plan: Plan | None = None
    root: OrgUnit | None = None


# --- writing rows ------------------------------------------------------------------


class TableWriter:
    """Streams tuples of chosen columns into a model's table, filling every
    other column with its model default."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        self.model = model
        fields = [f for f in model._meta.concrete_fields]
        by_name = {f.attname: f for f in fields} | {f.name: f for f in fields}
        chosen = [by_name[c] for c in columns]
        now = timezone.now()
        self.extra: list[tuple[str, object]] = []
        for f in fields:
            if f in chosen or (f.primary_key and f.get_internal_type().endswith("AutoField")):
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.extra.append((f.column, now))
            elif f.has_default():
                self.extra.append((f.column, f.get_db_prep_save(f.get_default(), connection)))
            elif f.null:
                continue
            elif isinstance(f, (models.CharField, models.TextField, models.FileField)) and f.blank:
                self.extra.append((f.column, ""))
            else:
                raise RuntimeError(f"{model.__name__}.{f.name}: no value and no default")
        self.columns = [f.column for f in chosen] + [c for c, _v in self.extra]
        self.tail = tuple(v for _c, v in self.extra)

    def write(self, rows: Iterable[tuple]) -> int:
        table = self.model._meta.db_table
        n = 0
        if connection.vendor == "postgresql":
            cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
            with (
                connection.cursor() as cursor,
                cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row + self.tail)
                    n += 1
            return n
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        marks = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {table} ({cols}) VALUES ({marks})"  # noqa: S608 - model table and column names
        batch: list[tuple] = []
        with connection.cursor() as cursor:
            for row in rows:
                batch.append(tuple(_sqlite(v) for v in row + self.tail))
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                n += len(batch)
        return n


def _sqlite(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _next_id(model: type[models.Model]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _reset_sequence(model: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"  # noqa: S608 - model table name
        )


# --- the generator ------------------------------------------------------------------


class ScaleGenerator:
    def __init__(self, sizes: Sizes, *, seed: int = 2024, log: Callable[[str], None] = lambda _m: None):
        self.n = sizes
        self.rng = random.Random(seed)  # noqa: S311 - benchmark data, seeded to be the same every run
        self.log = log
        self.summary = Summary()

    def _date(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange((end - start).days + 1))

    def _period(self) -> tuple[datetime.date | None, datetime.date | None]:
        r = self.rng.random()
        start = None if r < 0.25 else self._date(D(2010, 1, 1), D(2024, 11, 30))
        if self.rng.random() < 0.85:
            return start, None
        base = start or D(2023, 1, 1)
        return start, base + datetime.timedelta(days=self.rng.randrange(30, 1500))

    def run(self) -> Summary:
        with transaction.atomic():
            triggers_off = self._skip_row_triggers()
            self.units()
            self.cooperatives()
            self.people()
            self.affiliations()
            self.cadres()
            if triggers_off:
                # The member table's triggers were off too: fill it in one go.
                self._count("members", members.rebuild())
            self.courses()
            self.sessions()
            self.completions()
            self.certificates()
            self.plan()
        for model in (
            OrgUnit,
            Cooperative,
            Person,
            Affiliation,
            CadrePosition,
            TrainingSession,
            Completion,
            Certificate,
        ):
            _reset_sequence(model)
        if connection.vendor == "postgresql":
            # VACUUM sets the visibility map that index-only scans need; it
            # cannot run inside a transaction (a test), where ANALYZE does.
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            with connection.cursor() as cursor:
                for model in (
                    OrgUnit,
                    Cooperative,
                    Person,
                    Affiliation,
                    CadrePosition,
                    Member,
                    Completion,
                    Certificate,
                ):
                    cursor.execute(f"{command} {model._meta.db_table}")
                cursor.execute("ANALYZE")
        return self.summary

    def _skip_row_triggers(self) -> bool:
        """Every id written here is consistent by construction: when the role
        may, skip the per-row foreign key checks for this transaction (they
        double the time of a national load). That skips every trigger: says
        whether it did."""
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            if not cursor.fetchone()[0]:
                return False
            cursor.execute("SET LOCAL session_replication_role = replica")
        return True

    def _count(self, name: str, n: int) -> None:
        self.summary.counts[name] = n
        self.log(f"{name}: {n}")

    # units: a national root, provinces, districts, communes
    def units(self) -> None:
        n = self.n
        next_id = _next_id(OrgUnit)
        rows: list[tuple] = []

        def add(code: str, name: str, level: str, parent: tuple | None) -> tuple:
            nonlocal next_id
            pk, next_id = next_id, next_id + 1
            path = OrgUnit.path_for(pk, parent[4] if parent else "")
            row = (pk, code, name, level, parent[0] if parent else None, path, path.count("."))
            rows.append(row)
            return (pk, code, name, level, path)

        root = add(ROOT_CODE, "Toàn quốc", OrgUnit.Level.PROVINCE, None)
        provinces = [add(f"T{i + 1:02d}", f"Tỉnh {i + 1}", "province", root) for i in range(n.provinces)]
        districts = [
            add(f"H{j + 1:03d}", f"Huyện {j + 1}", "district", provinces[j % n.provinces])
            for j in range(n.districts)
        ]
        communes = [
            add(f"X{k + 1:05d}", f"Xã {k + 1}", "commune", districts[k % n.districts])
            for k in range(n.communes)
        ]
        TableWriter(OrgUnit, ["id", "code", "name", "level", "parent_id", "path", "depth"]).write(rows)
        self.root_id = root[0]
        self.province_ids = [u[0] for u in provinces]
        self.district_of = [districts[k % n.districts][0] for k in range(n.communes)]
        self.province_of_district = {d[0]: provinces[j % n.provinces][0] for j, d in enumerate(districts)}
        self.commune_ids = [u[0] for u in communes]
        self._count("org_units", len(rows))

    def cooperatives(self) -> None:
        rng, n = self.rng, self.n
        first = _next_id(Cooperative)
        self.coop_ids: list[int] = []
        self.coops_in: dict[int, list[int]] = {}
        rows = []
        for c in range(n.cooperatives):
            k = c % n.communes if c < n.communes else rng.randrange(n.communes)
            pk = first + c
            kind = "HTX" if rng.random() < 0.6 else "THT"
            rows.append(
                (pk, f"C{c + 1:06d}", f"{kind} {c + 1}", kind, self.commune_ids[k], rng.random() < 0.75, "")
            )
            self.coop_ids.append(pk)
            self.coops_in.setdefault(k, []).append(c)
        TableWriter(Cooperative, ["id", "code", "name", "kind", "org_unit_id", "women_led", "sector"]).write(
            rows
        )
        self._count("cooperatives", len(rows))

    def people(self) -> None:
        rng, n = self.rng, self.n
        first = _next_id(Person)
        self.person_first = first
        self.person_commune: list[int] = []
        self.names: list[str] = []
        coop_communes = sorted(self.coops_in)

        def rows() -> Iterator[tuple]:
            for p in range(n.people):
                k = coop_communes[rng.randrange(len(coop_communes))]
                r = rng.random()
                gender = "F" if r < 0.8 else ("M" if r < 0.97 else "X")
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN)}"
                self.person_commune.append(k)
                self.names.append(name)
                phone = f"09{rng.randrange(10**8):08d}"
                yield (
                    first + p,
                    f"P{p + 1:07d}",
                    name,
                    gender,
                    1960 + rng.randrange(45),
                    phone,
                    self.commune_ids[k],
                )

        written = TableWriter(
            Person, ["id", "code", "full_name", "gender", "birth_year", "phone", "org_unit_id"]
        ).write(rows())
        self._count("people", written)

    def affiliations(self) -> None:
        rng, n = self.rng, self.n
        roles = list(MANAGER_ROLES)

        def role() -> str:
            r = rng.random()
            if r < 0.18:
                return roles[rng.randrange(len(roles))]
            return Role.MEMBER if r < 0.70 else Role.WORKER

        def rows() -> Iterator[tuple]:
            first_coop: list[int] = []
            extra: set[tuple[int, int]] = set()  # one role per person and cooperative
            for i in range(n.affiliations):
                if i < n.people:
                    p = i
                    local = self.coops_in[self.person_commune[p]]
                    c = local[rng.randrange(len(local))]
                    first_coop.append(c)
                else:
                    p = rng.randrange(n.people)
                    local = self.coops_in[self.person_commune[p]]
                    c = (
                        local[rng.randrange(len(local))]
                        if rng.random() < 0.85
                        else rng.randrange(n.cooperatives)
                    )
                    while c == first_coop[p] or (p, c) in extra:
                        c = (c + 1) % n.cooperatives
                    extra.add((p, c))
                start, end = self._period()
                yield (self.person_first + p, self.coop_ids[c], role(), start, end, rng.random() < 0.35)

        written = TableWriter(
            Affiliation, ["person_id", "cooperative_id", "role", "start_date", "end_date", "stable_job"]
        ).write(rows())
        self._count("affiliations", written)

    def cadres(self) -> None:
        rng, n = self.rng, self.n
        chosen = rng.sample(range(n.people), min(n.cadres, n.people))

        def rows() -> Iterator[tuple]:
            for p in chosen:
                k = self.person_commune[p]
                r = rng.random()
                unit = self.commune_ids[k]
                if r >= 0.7:
                    unit = self.district_of[k]
                if r >= 0.92:
                    unit = self.province_of_district[self.district_of[k]]
                start, end = self._period()
                yield (self.person_first + p, unit, "Cán bộ Hội", rng.random() < 0.35, start, end)

        written = TableWriter(
            CadrePosition,
            ["person_id", "org_unit_id", "position", "supports_cooperatives", "start_date", "end_date"],
        ).write(rows())
        self._count("cadres", written)

    def courses(self) -> None:
        """A dozen online courses, made once as Wagtail pages and reused."""
        topics = {t.slug: t for t in Topic.objects.all()}
        index = CourseIndexPage.objects.first()
        pages = list(CoursePage.objects.filter(slug__startswith="quy-mo-").order_by("slug"))
        for i in range(len(pages), self.n.courses):
            page = CoursePage(
                title=f"Khóa học quy mô {i + 1}", slug=f"quy-mo-{i + 1:02d}", summary="Khóa học thử tải."
            )
            index.add_child(instance=page)
            slugs = {TOPICS[i % 7]} | ({TOPICS[(i + 3) % 7]} if i % 2 == 0 else set())
            page.topics.set([topics[s] for s in slugs if s in topics])
            page.save()
            pages.append(page)
        self.course_ids = [p.pk for p in pages[: self.n.courses]]
        self._count("courses", len(self.course_ids))

    def sessions(self) -> None:
        rng, n = self.rng, self.n
        first = _next_id(TrainingSession)
        topic_ids = {t.slug: t.pk for t in Topic.objects.all()}
        self.session_ids: list[int] = []
        self.session_end: list[datetime.date] = []
        rows, links = [], []
        for s in range(n.sessions):
            end = self._date(EARLY, LATE)
            start = end - datetime.timedelta(days=rng.randrange(5))
            pk = first + s
            unit = self.commune_ids[rng.randrange(n.communes)]
            rows.append((pk, f"GS{s + 1:06d}", f"Lớp tập huấn {s + 1}", unit, start, end, "", False))
            for slug in {TOPICS[rng.randrange(7)] for _ in range(1 + (rng.random() < 0.4))}:
                links.append((pk, topic_ids[slug]))
            self.session_ids.append(pk)
            self.session_end.append(end)
        TableWriter(
            TrainingSession,
            ["id", "code", "title", "org_unit_id", "start_date", "end_date", "trainer", "issues_certificate"],
        ).write(rows)
        through = TrainingSession.topics.through
        TableWriter(through, ["trainingsession_id", "topic_id"]).write(links)
        self._count("sessions", len(rows))

    def completions(self) -> None:
        """40 % online, 60 % in person; one row per person and course or
        session (people visited in a scrambled order so that none is favoured)."""
        n = self.n
        online = int(n.completions * 0.4)
        people, courses, sessions = n.people, len(self.course_ids), len(self.session_ids)
        stride = _coprime_stride(people)
        self.certifiable: list[tuple] = []
        every = max(1, n.completions // max(n.certificates, 1))

        def rows() -> Iterator[tuple]:
            for i in range(n.completions):
                slot, rnd = i % people, i // people
                p = (slot * stride + 7) % people
                if i < online:
                    c = (p + rnd) % courses
                    on = self._date(EARLY, LATE)
                    row = (self.person_first + p, self.course_ids[c], None, on, Completion.Source.ONLINE)
                else:
                    j = i - online
                    slot, rnd = j % people, j // people
                    p = (slot * stride + 11) % people
                    s = (p * 7919 + rnd * 4729) % sessions
                    on = self.session_end[s]
                    row = (self.person_first + p, None, self.session_ids[s], on, Completion.Source.IN_PERSON)
                if i % every == 0 and len(self.certifiable) < n.certificates:
                    self.certifiable.append(row)
                yield row

        written = TableWriter(
            Completion, ["person_id", "course_id", "session_id", "completed_on", "source"]
        ).write(rows())
        self._count("completions", written)

    def certificates(self) -> None:
        rng = self.rng

        def rows() -> Iterator[tuple]:
            for k, (person_id, course_id, session_id, on, _source) in enumerate(self.certifiable):
                revoked = on + datetime.timedelta(days=rng.randrange(1, 400)) if rng.random() < 0.03 else None
                yield (
                    person_id,
                    course_id,
                    session_id,
                    f"SC-{k + 1:08d}",
                    f"{rng.getrandbits(160):040x}",
                    "Khóa học / lớp tập huấn",
                    self.names[person_id - self.person_first],
                    on,
                    revoked,
                )

        written = TableWriter(
            Certificate,
            [
                "person_id",
                "course_id",
                "session_id",
                "serial",
                "code",
                "title",
                "holder_name",
                "issued_on",
                "revoked_on",
            ],
        ).write(rows())
        self._count("certificates", written)

    def plan(self) -> None:
        """The national plan: the seeded plan's six indicators, rooted at the nation."""
        root = OrgUnit.objects.get(pk=self.root_id)
        plan, _created = Plan.objects.update_or_create(
            code=SCALE_PLAN,
            defaults={
                "name": "Kế hoạch toàn quốc 2024 (dữ liệu thử tải)",
                "start_date": D(2024, 1, 1),
                "end_date": D(2024, 12, 31),
                "root": root,
            },
        )
        if not plan.indicators.exists():
            seeded = Plan.objects.filter(code="cho-moi-2024").first()
            for source in seeded.indicators.prefetch_related("evidence_topics") if seeded else []:
                topics = list(source.evidence_topics.all())
                source.pk, source.id, source.plan = None, None, plan
                source.save()
                through = Indicator.evidence_topics.through
                through.objects.bulk_create([through(indicator_id=source.pk, topic_id=t.pk) for t in topics])
        self.summary.plan, self.summary.root = plan, root


def _coprime_stride(n: int) -> int:
    """A stride that visits 0..n-1 once each in a scrambled order."""
    import math

    stride = max(1, int(n * 0.618)) | 1
    while math.gcd(stride, n) != 1:
        stride += 2
    return stride
