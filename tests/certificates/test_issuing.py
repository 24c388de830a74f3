import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from certificates.models import Certificate, CertificateTemplate, CourseCertificateTemplate, SerialCounter
from certificates.services import (
    certificate_issue,
    certificate_issue_by_hand,
    certificate_template_default,
)
from courses.models import Completion
from courses.signals import course_completed
from tests.factories.certificates import issue, make_completion, make_session
from tests.factories.content import make_course
from tests.factories.registry import PersonFactory

pytestmark = pytest.mark.django_db
DAY = datetime.date(2024, 6, 15)


def send_completed(person, *, course=None, session=None, completed_on=DAY):
    course_completed.send(
        sender=Completion, person=person, course=course, session=session, completed_on=completed_on
    )


def test_issue_gives_a_serial_an_unguessable_code_and_a_snapshot(course):
    person = PersonFactory(full_name="Nguyễn Thị Huỳnh Như")
    certificate = issue(person, course=course)
    assert certificate.serial == "NT-2024-000001"
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", certificate.code)  # 256 random bits
    assert certificate.holder_name == "Nguyễn Thị Huỳnh Như"
    assert certificate.title == course.title
    assert certificate.hours == course.estimated_hours
    assert certificate.end_date == DAY and certificate.issued_on == DAY
    assert certificate.status == Certificate.Status.PENDING
    assert certificate.template == certificate_template_default()


def test_issuing_twice_returns_the_first_certificate_and_uses_no_serial(course):
    person = PersonFactory()
    first = issue(person, course=course)
    again = certificate_issue(person=person, course=course, issued_on=DAY + datetime.timedelta(days=3))
    assert again.pk == first.pk and again.serial == first.serial
    assert Certificate.objects.count() == 1
    assert SerialCounter.objects.get(year=2024).last == 1


def test_serials_run_without_gaps_per_year(course):
    a, b, c = (issue(course=course, issued_on=d) for d in (DAY, DAY, datetime.date(2025, 1, 2)))
    assert [a.serial, b.serial, c.serial] == ["NT-2024-000001", "NT-2024-000002", "NT-2025-000001"]


def test_the_database_refuses_a_second_certificate_for_the_same_course(course):
    first = issue(course=course)
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            person=first.person,
            course=course,
            serial="NT-2024-999999",
            title="x",
            holder_name="x",
            issued_on=DAY,
        )


def test_exactly_one_of_course_or_session(course):
    with pytest.raises(ValidationError):
        certificate_issue(person=PersonFactory(), issued_on=DAY)
    with pytest.raises(ValidationError):
        certificate_issue(person=PersonFactory(), course=course, session=make_session(), issued_on=DAY)


def test_name_is_kept_as_issued_and_composed(course):
    person = PersonFactory(full_name="Nguye\u0302\u0303n Thi\u0323 Hoa")  # decomposed marks
    certificate = issue(person, course=course)
    person.full_name = "Trần Thị Hoa"
    person.save()
    certificate.refresh_from_db()
    assert certificate.holder_name == "Nguyễn Thị Hoa"


def test_online_completion_of_a_certifying_course_issues_and_renders(
    course, django_capture_on_commit_callbacks
):
    person = PersonFactory()
    make_completion(person, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        send_completed(person, course=course)
    certificate = Certificate.objects.get(person=person, course=course)
    assert certificate.issued_on == DAY
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.pdf.read(5) == b"%PDF-"


def test_signal_twice_gives_one_certificate(course, django_capture_on_commit_callbacks):
    person = PersonFactory()
    make_completion(person, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        send_completed(person, course=course)
        send_completed(person, course=course)
    assert Certificate.objects.filter(person=person).count() == 1


@pytest.mark.parametrize(
    ("earns", "source"),
    [(False, Completion.Source.ONLINE), (True, Completion.Source.IN_PERSON)],
    ids=["course-without-certificate", "course-completed-by-attending-a-session"],
)
def test_no_course_certificate_when_not_earned_online(earns, source, django_capture_on_commit_callbacks):
    course = make_course("Khóa không cấp giấy", lessons=0, earns_certificate=earns)
    person = PersonFactory()
    make_completion(person, course=course, source=source)
    with django_capture_on_commit_callbacks(execute=True):
        send_completed(person, course=course)
    assert not Certificate.objects.exists()


def test_attending_a_certifying_session_issues_dated_its_end(django_capture_on_commit_callbacks, monkeypatch):
    monkeypatch.setattr("certificates.services._enqueue_render", lambda pk: None)
    session = make_session(issues_certificate=True)
    plain = make_session("Hội thảo", issues_certificate=False)
    person = PersonFactory()
    for s in (session, plain):
        make_completion(person, session=s, completed_on=s.end_date)
    with django_capture_on_commit_callbacks(execute=True):
        send_completed(person, session=session, completed_on=session.end_date)
        send_completed(person, session=plain, completed_on=plain.end_date)
    certificate = Certificate.objects.get(person=person)
    assert certificate.session == session
    assert (certificate.start_date, certificate.end_date, certificate.issued_on) == (
        session.start_date,
        session.end_date,
        session.end_date,
    )


def test_course_template_choice_applies_to_course_and_its_sessions(course):
    special = CertificateTemplate.objects.create(name="Mẫu OCOP", organisation="Hội LHPN tỉnh An Giang")
    CourseCertificateTemplate.objects.create(course=course, template=special)
    other = make_course("Khóa khác", lessons=0)
    assert issue(course=course).template == special
    assert issue(session=make_session(course=course)).template == special
    assert issue(course=other).template == certificate_template_default()


def test_default_template_comes_back_when_deleted():
    CertificateTemplate.objects.all().delete()
    template = certificate_template_default()
    assert template.is_default and template.organisation
    assert certificate_template_default() == template


def test_by_hand_needs_a_completion_and_takes_its_date(course, admin_user):
    person = PersonFactory(full_name="Lê Thị Mai")
    with pytest.raises(ValidationError, match="Lê Thị Mai chưa hoàn thành"):
        certificate_issue_by_hand(person=person, course=course, issued_by=admin_user)
    make_completion(person, course=course, completed_on=datetime.date(2024, 3, 1))
    certificate = certificate_issue_by_hand(person=person, course=course, issued_by=admin_user)
    assert certificate.issued_on == datetime.date(2024, 3, 1)
    assert certificate.issued_by == admin_user
