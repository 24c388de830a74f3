"""A small world for the security tests: two districts (one inside an
official's scope, one outside), every kind of account, and one learner's
enrolment, attempt and certificate next to another learner's."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile

from certificates.models import Certificate
from courses.models import Attempt, Enrollment, TrainingSession
from courses.services import attempt_start, attempt_submit, enrollment_enrol
from lms.registry.models import OrgUnit, User
from tests.factories.certificates import issue, make_session
from tests.factories.content import make_document, make_image
from tests.factories.courses import learner, lessons_of, quick_course, quiz_of, right_answers
from tests.factories.registry import (
    AffiliationFactory,
    CadrePositionFactory,
    OrgUnitFactory,
    PersonFactory,
    UserFactory,
    make_tree,
)


@dataclass
class World:
    district: OrgUnit  # the in-scope unit (its official sees it)
    commune: OrgUnit
    other_district: OrgUnit  # the out-of-scope unit
    users: dict[str, User | None]
    course: object
    lesson: object
    quiz: object
    session: TrainingSession
    enrollment: Enrollment
    attempt: Attempt
    certificate: Certificate
    other_enrollment: Enrollment
    other_attempt: Attempt
    other_certificate: Certificate
    image: object
    document: object


def _learning(user: User, course, quiz) -> tuple[Enrollment, Attempt]:
    enrollment, _ = enrollment_enrol(user=user, course=course)
    attempt, _ = attempt_start(user=user, quiz=quiz)
    attempt = attempt_submit(attempt=attempt, answers=right_answers(attempt))
    return enrollment, attempt


def build_world() -> World:
    province, district, ka, kt = make_tree()
    other_district = OrgUnitFactory(code="TS", name="Huyện Thoại Sơn", level="district", parent=province)
    other_commune = OrgUnitFactory(code="TS-OL", name="Xã Óc Eo", level="commune", parent=other_district)
    mine = learner("hoc.vien", person=PersonFactory(code="P-MINE", org_unit=ka))
    other = learner("hoc.vien.khac", person=PersonFactory(code="P-OTHER", org_unit=other_commune))
    AffiliationFactory(person=mine.person, cooperative__org_unit=ka, cooperative__code="HTX-KA")
    CadrePositionFactory(person=other.person, org_unit=other_commune)
    users = {
        "anonymous": None,
        "learner": mine,
        "other_learner": other,
        "trainer": UserFactory(username="giang.vien", role="trainer"),
        "official_in": UserFactory(username="canbo.cho.moi", role="official", scope=district),
        "official_out": UserFactory(username="canbo.thoai.son", role="official", scope=other_district),
        "admin": UserFactory(username="quan.tri", role="admin"),
    }
    course = quick_course("Quản trị hợp tác xã")
    quiz = quiz_of(course)
    enrollment, attempt = _learning(mine, course, quiz)
    other_enrollment, other_attempt = _learning(other, course, quiz)
    certificate = issue(mine.person, course=course)
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    certificate.status = Certificate.Status.ISSUED
    certificate.save(update_fields=["pdf", "status"])
    other_certificate = issue(other.person, session=make_session(org_unit=other_commune))
    return World(
        district=district,
        commune=ka,
        other_district=other_district,
        users=users,
        course=course,
        lesson=lessons_of(course)[0],
        quiz=quiz,
        session=make_session("Lớp tập huấn Kiến An", org_unit=ka, course=course),
        enrollment=enrollment,
        attempt=attempt,
        certificate=certificate,
        other_enrollment=other_enrollment,
        other_attempt=other_attempt,
        other_certificate=other_certificate,
        image=make_image(),
        document=make_document(),
    )


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db) -> World:
    return build_world()
