"""Script written into any free-text field never runs: every page that shows
the value shows it as text (plain fields) or drops it (rich text, cleaned by
Wagtail's rich-text rules)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils.html import escape
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from certificates.services import certificate_issue
from content.models import CourseIndexPage, CoursePage, LessonPage, QuizPage
from courses.imports import import_attendance
from courses.models import TrainingSession
from courses.services import attempt_start, attempt_submit, enrollment_enrol, lesson_mark_done
from lms.registry.models import Cooperative, Person
from lms.registry.services import registry_import
from tests.factories.certificates import make_completion
from tests.factories.courses import right_answers
from tests.factories.registry import make_workbook
from tests.security.test_csp import inline_code

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(1)>'
PAYLOADS = (SCRIPT, IMG, SVG)
XSS = SCRIPT + IMG + SVG


def assert_inert(html: str, where: str, *, visible: tuple[str, ...] = ()) -> None:
    """No payload became live HTML; ``visible`` texts are shown escaped."""
    soup = BeautifulSoup(html, "html.parser")
    live = [str(s)[:80] for s in soup.find_all("script") if "alert(1)" in s.get_text()]
    live += [
        f"<{tag.name} {name}={value!r}>"
        for tag in soup.find_all(True)
        for name, value in tag.attrs.items()
        if name.lower() in ("onerror", "onload")
        or (name.lower().startswith("on") and "alert(1)" in str(value))
    ]
    live += [
        str(tag)[:80] for tag in soup.find_all(["svg", "img"]) if tag.get("src") == "x" or tag.get("onload")
    ]
    assert not live, f"{where}: payload is live HTML: {live}"
    text = soup.get_text()
    for expected in visible:
        assert expected in text, f"{where}: {expected!r} is not shown as text"


def page_html(client: Client, url: str, where: str, *, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, f"{where}: {response.status_code}"
    return response.content.decode()


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rich(payload: str = XSS) -> str:
    return f"<p>Đoạn văn {payload}</p><p>{IMG}</p>"


@pytest.fixture
def hostile_course(world):
    """A course whose every free-text field carries the payloads, saved
    through the models as a loader or a script would."""
    index = CourseIndexPage.objects.first()
    course = CoursePage(
        title=f"Khóa {XSS}",
        slug="khoa-xss",
        summary=f"Tóm tắt {XSS}",
        description=rich(),
    )
    index.add_child(instance=course)
    lesson = LessonPage(
        title=f"Bài {XSS}",
        slug="bai-xss",
        body=[
            ("heading", f"Mục {XSS}"),
            ("paragraph", rich()),
            ("callout", {"kind": "tip", "text": rich()}),
            ("checklist", {"title": f"Danh sách {XSS}", "items": [f"Việc {XSS}"]}),
        ],
    )
    course.add_child(instance=lesson)
    quiz = QuizPage(
        title=f"Kiểm tra {XSS}",
        slug="kiem-tra-xss",
        intro=rich(),
        questions=[
            (
                "single",
                {
                    "prompt": f"Câu hỏi {XSS}",
                    "choices": [
                        {"text": f"Đúng {XSS}", "correct": True},
                        {"text": f"Sai {SVG}", "correct": False},
                    ],
                    "explanation": f"Giải thích {XSS}",
                },
            )
        ],
    )
    course.add_child(instance=quiz)
    return (
        CoursePage.objects.get(pk=course.pk),
        LessonPage.objects.get(pk=lesson.pk),
        QuizPage.objects.get(pk=quiz.pk),
    )


def test_wagtail_renders_rich_text_saved_through_the_model_without_its_script(hostile_course):
    course, lesson, quiz = hostile_course
    body = lesson.body[1].block.render(lesson.body[1].value)
    assert_inert(str(body), "paragraph block")
    assert "Đoạn văn" in str(body)


def test_content_pages_show_hostile_text_as_text(world, hostile_course):
    course, lesson, quiz = hostile_course
    learner = world.users["learner"]
    enrollment_enrol(user=learner, course=course)
    lesson_mark_done(user=learner, lesson=lesson)
    attempt, _ = attempt_start(user=learner, quiz=quiz)
    # A forged answer (not a choice id) is refused or ignored, never echoed as HTML.
    answers = right_answers(attempt)
    answers[next(iter(answers))] += [XSS]
    try:
        attempt = attempt_submit(attempt=attempt, answers=answers)
    except ValidationError:
        attempt = attempt_submit(attempt=attempt, answers=right_answers(attempt))
    client = as_user(learner)
    anonymous = Client()
    pages = [
        ("catalogue", anonymous, course.get_parent().url, (f"Khóa {XSS}",)),
        ("course", anonymous, course.url, (f"Khóa {XSS}", f"Tóm tắt {XSS}", f"Bài {XSS}")),
        ("lesson", client, lesson.url, (f"Bài {XSS}", f"Mục {XSS}", f"Việc {XSS}")),
        ("quiz", client, quiz.url, (f"Kiểm tra {XSS}",)),
        (
            "attempt result",
            client,
            f"/learning/attempts/{attempt.pk}/",
            (f"Câu hỏi {XSS}", f"Giải thích {XSS}"),
        ),
        ("dashboard", client, "/learning/", (f"Khóa {XSS}",)),
        ("search", anonymous, f"{course.get_parent().url}?q=Khóa", ()),
    ]
    for where, who, url, visible in pages:
        html = page_html(who, url, where)
        assert_inert(html, where, visible=visible)
        assert inline_code(html) == [], where
    admin = as_user(world.users["admin"])
    for where, url in [
        ("admin explorer", f"/admin/pages/{course.pk}/"),
        ("admin search", "/admin/pages/search/?q=Khóa"),
        ("admin lesson editor", f"/admin/pages/{lesson.pk}/edit/"),
        ("admin quiz editor", f"/admin/pages/{quiz.pk}/edit/"),
    ]:
        assert_inert(page_html(admin, url, where), where)


def test_rich_text_saved_through_the_admin_form_keeps_no_script(world):
    lesson = world.lesson
    admin = as_user(world.users["admin"])
    data = nested_form_data(
        {
            "title": f"Bài {XSS}",
            "slug": lesson.slug,
            "estimated_minutes": "15",
            "body": streamfield(
                # What an editor types is text in the editor's content state.
                [("heading", f"Mục {XSS}"), ("paragraph", rich_text(f"<p>Đoạn {escape(XSS)}</p>"))]
            ),
            "action-publish": "publish",
        }
    )
    response = admin.post(f"/admin/pages/{lesson.pk}/edit/", data)
    errors = BeautifulSoup(response.content, "html.parser").select(".error-message, .help-critical")
    assert response.status_code == 302, [e.get_text(" ", strip=True) for e in errors]
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert_inert(lesson.body.raw_data[1]["value"], "stored paragraph", visible=(f"Đoạn {XSS}",))
    html = page_html(as_user(world.users["learner"]), lesson.url, "lesson saved in the admin")
    assert_inert(html, "lesson saved in the admin", visible=(f"Bài {XSS}", f"Mục {XSS}", f"Đoạn {XSS}"))


def test_registry_workbook_names_phones_and_cooperatives_stay_text(world):
    book = make_workbook(
        {
            "cooperatives": [
                ["code", "name", "kind", "org_unit_code", "women_led", "established"],
                ["HTX-XSS", f"HTX {XSS}", "HTX", "CM-KA", "yes", "2019-05-01"],
            ],
            "people": [
                ["code", "full_name", "gender", "birth_year", "phone", "org_unit_code"],
                ["P-XSS", f"Nguyễn Thị {XSS}", "F", 1980, SVG, "CM-KA"],
            ],
            "affiliations": [
                ["person_code", "cooperative_code", "role", "start_date", "end_date", "stable_job"],
                ["P-XSS", "HTX-XSS", "chair", "2020-01-01", None, "yes"],
            ],
        }
    )
    result = registry_import(source=book, filename="xss.xlsx", user=None)
    person = Person.objects.filter(code="P-XSS").first()
    assert person is not None, [str(e) for e in result.errors]
    coop = Cooperative.objects.get(code="HTX-XSS")
    official = as_user(world.users["official_in"])
    people = (
        "/coverage/people/?plan=cho-moi-2024&org_unit=CM&as_of=2024-12-31"
        "&indicator=managers_trained&which=missing"
    )
    html = page_html(official, people, "coverage people")
    assert_inert(html, "coverage people", visible=(person.full_name, coop.name))
    report = page_html(
        official, "/coverage/?plan=cho-moi-2024&org_unit=CM&as_of=2024-12-31", "coverage report"
    )
    assert_inert(report, "coverage report")
    admin = as_user(world.users["admin"])
    for where, url, visible in [
        ("admin people", "/admin/registry/people/?q=XSS", ()),
        ("admin people list", "/admin/registry/people/", (person.full_name,)),
        ("admin person", f"/admin/registry/people/edit/{person.pk}/", ()),
        ("admin cooperatives", "/admin/registry/cooperatives/", (coop.name,)),
        ("admin affiliations", "/admin/registry/affiliations/", ()),
    ]:
        assert_inert(page_html(admin, url, where), where, visible=visible)


def test_registry_import_page_shows_bad_values_as_text(world):
    book = make_workbook(
        {
            "people": [
                ["code", "full_name", "gender", "birth_year", "phone", "org_unit_code"],
                ["P-BAD", f"Nguyễn Thị {XSS}", XSS[:30], XSS, SVG, XSS[:40]],
            ]
        }
    )
    admin = as_user(world.users["admin"])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = admin.post(
        "/admin/registry/import/",
        {"file": SimpleUploadedFile("xss.xlsx", book), "dry_run": "on"},
    )
    assert response.status_code in (200, 400)
    assert_inert(response.content.decode(), "admin registry import result")


def test_attendance_workbook_titles_and_trainers_stay_text(world):
    import io

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    sessions = book.create_sheet("sessions")
    sessions.append(
        [
            "code",
            "title",
            "topics",
            "course_slug",
            "org_unit_code",
            "start_date",
            "end_date",
            "trainer",
            "issues_certificate",
        ]
    )
    sessions.append(
        ["TH-XSS", f"Tập huấn {XSS}", "governance", None, "CM-KA", "10/05/2024", None, f"GV {XSS}", "yes"]
    )
    attendance = book.create_sheet("attendance")
    attendance.append(["session_code", "person_code", "attended"])
    attendance.append(["TH-XSS", world.users["learner"].person.code, "yes"])
    out = io.BytesIO()
    book.save(out)
    result = import_attendance(out.getvalue(), filename="xss.xlsx", user=None)
    session = TrainingSession.objects.filter(code="TH-XSS").first()
    assert session is not None, [str(e) for e in result.errors]
    admin = as_user(world.users["admin"])
    for where, url, visible in [
        ("admin sessions", "/admin/learning_sessions/", (session.title,)),
        ("admin session", f"/admin/learning_sessions/edit/{session.pk}/", ()),
        ("admin attendance", f"/admin/learning/sessions/{session.pk}/attendance/", (session.title,)),
    ]:
        assert_inert(page_html(admin, url, where), where, visible=visible)
    learner = as_user(world.users["learner"])
    assert_inert(page_html(learner, "/certificates/mine/", "my certificates"), "my certificates")


def test_certificate_holder_names_stay_text(world):
    person = world.users["learner"].person
    person.full_name = f"Võ Thị {XSS}"
    person.save(update_fields=["full_name"])
    session = TrainingSession.objects.create(
        code="S-XSS", title=f"Lớp {XSS}", start_date=world.session.start_date, end_date=world.session.end_date
    )
    make_completion(person, session=session)
    certificate = certificate_issue(person=person, session=session, issued_on=world.session.end_date)
    anonymous = Client()
    html = page_html(anonymous, certificate.get_verify_path(), "verification page")
    assert_inert(html, "verification page", visible=(certificate.holder_name,))
    learner = as_user(world.users["learner"])
    assert_inert(page_html(learner, "/certificates/mine/", "my certificates"), "my certificates")
    admin = as_user(world.users["admin"])
    for where, url in [
        ("admin certificates", "/admin/certificate/"),
        ("admin certificate", f"/admin/certificate/inspect/{certificate.pk}/"),
    ]:
        assert_inert(page_html(admin, url, where), where, visible=(certificate.holder_name,))
    # The verification API answers JSON, never HTML.
    api = anonymous.get(f"/api/v1/certificates/verify/{certificate.code}/")
    assert api["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("shared", [False, True], ids=["own-cache", "shared-cache"])
def test_an_account_name_in_the_header_stays_text(world, settings, shared):
    from django.core.cache import cache

    # With a shared cache the lesson page is filled from its frame.
    settings.CACHE_IS_SHARED = shared
    cache.clear()
    user = world.users["learner"]
    user.first_name, user.last_name = f"Lan {XSS}", ""
    user.save(update_fields=["first_name", "last_name"])
    client = as_user(user)
    for where, url in [
        ("home", "/"),
        ("lesson", world.lesson.url),
        ("lesson again", world.lesson.url),
        ("dashboard", "/learning/"),
        ("my certificates", "/certificates/mine/"),
    ]:
        html = page_html(client, url, where)
        assert_inert(html, where, visible=(f"Lan {XSS}",))
        assert escape(f"Lan {XSS}") in html, where
