"""The demo as a whole: the Chợ Mới registry, the starter catalogue, demo
accounts, in-person sessions of 2024 with attendance, and some online
progress. Coverage sits rightmost in the house, so this is the one place that
may call every app's services.

Everything is deterministic (fixed codes, a seeded random generator) and
idempotent: loading twice changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.core.management import call_command
from django.db import transaction

from content.models import CoursePage, LessonPage, Topic
from courses.models import Enrollment, TrainingSession
from courses.services import attendance_set, enrollment_enrol, lesson_mark_done
from lms.registry.demo import COMMUNES, load_demo_registry
from lms.registry.models import MANAGER_ROLES, CadrePosition, OrgUnit, Person, Role, User
from lms.registry.services import account_upsert

DEMO_PASSWORD = "NangTam@2024"  # noqa: S105 - printed for the demo, documented in the README


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    description: str
    org_unit: str | None = None
    person: str | None = None


@dataclass(frozen=True)
class DemoSession:
    code: str
    title: str
    topics: tuple[str, ...]
    course_slug: str | None
    org_unit: str
    start: date
    end: date
    trainer: str
    issues_certificate: bool
    audience: str  # managers | members | cadres | supporters
    communes: tuple[str, ...]  # whose people attend ("*" for all)
    share: float  # the share of that audience who attended


ALL = ("*",)
SESSIONS = [
    DemoSession(
        "TH-2024-01",
        "Tập huấn nâng cao năng lực quản trị, điều hành HTX cho nữ quản lý (đợt 1)",
        ("governance",),
        "quan-tri-hop-tac-xa",
        "CM",
        date(2024, 5, 14),
        date(2024, 5, 16),
        "Ban Kinh tế Hội LHPN tỉnh An Giang",
        True,
        "managers",
        ("CM-TTCM", "CM-TTML", "CM-KA", "CM-KT", "CM-MHD", "CM-NM", "CM-LG", "CM-LDA", "CM-LDB"),
        0.85,
    ),
    DemoSession(
        "TH-2024-02",
        "Tập huấn nâng cao năng lực quản trị, điều hành HTX cho nữ quản lý (đợt 2)",
        ("governance",),
        "quan-tri-hop-tac-xa",
        "CM",
        date(2024, 9, 10),
        date(2024, 9, 12),
        "Ban Kinh tế Hội LHPN tỉnh An Giang",
        True,
        "managers",
        ("CM-TM", "CM-MH", "CM-BPX", "CM-LK"),
        0.6,
    ),
    DemoSession(
        "TH-2024-03",
        "Lớp kế toán, quản lý tài chính HTX và THT",
        ("accounting",),
        "ke-toan-tai-chinh-htx",
        "CM",
        date(2024, 7, 22),
        date(2024, 7, 26),
        "Phòng Tài chính – Kế hoạch huyện Chợ Mới",
        True,
        "managers",
        ("CM-ATT", "CM-HA", "CM-HB"),
        0.5,
    ),
    DemoSession(
        "TH-2024-04",
        "Tập huấn bán hàng trực tuyến cho thành viên HTX (cụm Kiến An – Kiến Thành – Mỹ Hội Đông)",
        ("ecommerce",),
        "ban-hang-truc-tuyen",
        "CM-KA",
        date(2024, 6, 5),
        date(2024, 6, 6),
        "Trung tâm Xúc tiến thương mại An Giang",
        False,
        "members",
        ("CM-KA", "CM-KT", "CM-MHD"),
        0.65,
    ),
    DemoSession(
        "TH-2024-05",
        "Chuyển giao kỹ thuật và ghi nhật ký sản xuất trên điện thoại",
        ("technology",),
        "cong-nghe-so-san-xuat",
        "CM-MH",
        date(2024, 8, 13),
        date(2024, 8, 13),
        "Trạm Khuyến nông huyện Chợ Mới",
        False,
        "members",
        ("CM-MH", "CM-NM", "CM-LG", "CM-TTCM"),
        0.5,
    ),
    DemoSession(
        "TH-2024-06",
        "Tập huấn kỹ năng tuyên truyền, vận động cho cán bộ Hội cơ sở",
        ("advocacy",),
        "ky-nang-tuyen-truyen-van-dong",
        "CM",
        date(2024, 4, 2),
        date(2024, 4, 3),
        "Ban Tuyên giáo Hội LHPN tỉnh An Giang",
        False,
        "cadres",
        ALL,
        0.7,
    ),
    DemoSession(
        "TH-2024-07",
        "Tập huấn nghiệp vụ hỗ trợ phát triển HTX, THT cho cán bộ Hội",
        ("coop_development", "advocacy"),
        "ho-tro-phat-trien-htx",
        "CM",
        date(2024, 10, 8),
        date(2024, 10, 9),
        "Liên minh Hợp tác xã tỉnh An Giang",
        True,
        "supporters",
        ALL,
        0.75,
    ),
    # Before the plan's period: it shows that only 2024 training counts.
    DemoSession(
        "TH-2023-01",
        "Hội thảo giới thiệu Luật Hợp tác xã (sửa đổi) năm 2023",
        ("governance",),
        None,
        "CM",
        date(2023, 11, 20),
        date(2023, 11, 20),
        "Phòng Kinh tế huyện Chợ Mới",
        False,
        "managers",
        ("CM-HAN", "CM-MA"),
        0.6,
    ),
]


def demo_accounts() -> list[DemoAccount]:
    learner = (
        Person.objects.filter(
            gender=Person.Gender.FEMALE,
            affiliations__role=Role.CHAIR,
            affiliations__cooperative__org_unit__code="CM-KA",
        )
        .order_by("code")
        .first()
    ) or Person.objects.filter(
        gender=Person.Gender.FEMALE,
        affiliations__role__in=MANAGER_ROLES,
        affiliations__cooperative__org_unit__code="CM-KA",
    ).order_by("code").first()
    return [
        DemoAccount("admin", "admin", "Quản trị viên (duyệt khóa học)"),
        DemoAccount("canbo.huyen", "official", "Cán bộ quản lý huyện Chợ Mới", org_unit="CM"),
        DemoAccount("canbo.kienan", "official", "Cán bộ quản lý xã Kiến An", org_unit="CM-KA"),
        DemoAccount("giangvien", "trainer", "Giảng viên"),
        DemoAccount(
            "hocvien",
            "learner",
            f"Học viên: {learner.full_name}, nữ quản lý HTX ở xã Kiến An" if learner else "Học viên",
            person=learner.code if learner else None,
        ),
    ]


def _ensure_accounts(accounts: list[DemoAccount]) -> None:
    for account in accounts:
        user = User.objects.filter(username=account.username).first()
        up_to_date = (
            user is not None
            and user.role == account.role
            and (user.scope.code if user.scope_id else None) == account.org_unit
            and (account.person is None or (user.person_id and user.person.code == account.person))
            and user.check_password(DEMO_PASSWORD)
        )
        if not up_to_date:
            account_upsert(
                username=account.username,
                role=account.role,
                password=DEMO_PASSWORD,
                org_unit_code=account.org_unit,
                person_code=account.person,
            )


def _audience(session: DemoSession) -> list[int]:
    """Ids of the registry people a demo session speaks to, in a fixed order."""
    communes = [code for code, _, _ in COMMUNES] if session.communes == ALL else list(session.communes)
    if session.audience in ("cadres", "supporters"):
        units = OrgUnit.objects.filter(code__in=[*communes, "CM"])
        qs = CadrePosition.objects.filter(org_unit__in=units)
        if session.audience == "supporters":
            qs = qs.filter(supports_cooperatives=True)
        ids = qs.values_list("person_id", flat=True)
    else:
        roles = MANAGER_ROLES if session.audience == "managers" else (Role.MEMBER, Role.WORKER)
        ids = Person.objects.filter(
            affiliations__role__in=roles,
            affiliations__cooperative__org_unit__code__in=communes,
            affiliations__cooperative__women_led=True,
        ).values_list("id", flat=True)
        if session.audience == "managers":
            ids = ids.filter(gender=Person.Gender.FEMALE)
    return sorted(set(ids))


def _ensure_sessions() -> int:
    rng = random.Random(2024)  # noqa: S311 - demo data, seeded so every load is the same
    courses = {c.slug: c for c in CoursePage.objects.all()}
    topics = {t.slug: t for t in Topic.objects.all()}
    units = {u.code: u for u in OrgUnit.objects.filter(code__in={s.org_unit for s in SESSIONS})}
    attended = 0
    for spec in SESSIONS:
        session, created = TrainingSession.objects.get_or_create(
            code=spec.code,
            defaults={
                "title": spec.title,
                "course": courses.get(spec.course_slug) if spec.course_slug else None,
                "org_unit": units[spec.org_unit],
                "start_date": spec.start,
                "end_date": spec.end,
                "trainer": spec.trainer,
                "issues_certificate": spec.issues_certificate,
            },
        )
        if created:
            session.topics.set([topics[slug] for slug in spec.topics])
        audience = _audience(spec)
        present = [pid for pid in audience if rng.random() < spec.share]
        if created or not session.attendance.exists():
            attendance_set(session=session, present=present)
        attended += len(present)
    return attended


def _ensure_online_progress() -> None:
    """The demo learner has started the governance course: two lessons done."""
    user = User.objects.filter(username="hocvien").first()
    course = CoursePage.objects.live().filter(slug="quan-tri-hop-tac-xa").first()
    if user is None or course is None:
        return
    if Enrollment.objects.filter(user=user, course=course).exists():
        return
    enrollment_enrol(user=user, course=course)
    for lesson in LessonPage.objects.live().child_of(course).order_by("path")[:2]:
        lesson_mark_done(user=user, lesson=lesson)


def load_demo(*, stdout=None) -> list[DemoAccount]:
    """Load (or refresh) the whole demo; returns the demo accounts."""
    summary = load_demo_registry()
    call_command("load_catalogue", verbosity=0)
    accounts = demo_accounts()
    with transaction.atomic():
        _ensure_accounts(accounts)
    attended = _ensure_sessions()
    _ensure_online_progress()
    if stdout is not None:
        stdout.write(
            f"{summary.units} địa bàn, {summary.cooperatives} HTX/THT, {summary.people} người, "
            f"{summary.affiliations} vị trí trong HTX/THT, {summary.cadres} cán bộ Hội, "
            f"{len(SESSIONS)} lớp tập huấn ({attended} lượt có mặt)."
        )
    return accounts
