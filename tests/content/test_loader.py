"""``load_catalogue``: YAML files to published pages, idempotent, with
clear errors for broken files."""

import shutil
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from wagtail.models import Page, Revision

from content.loader import DEFAULT_DIRECTORY, CatalogueError, catalogue_load
from content.models import CoursePage, LessonPage, QuizPage

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "catalogue"


@pytest.fixture
def catalogue_dir(tmp_path):
    target = tmp_path / "catalogue"
    shutil.copytree(FIXTURE, target)
    return target


def snapshot():
    pages = Page.objects.filter(depth__gte=4).order_by("path")
    return (
        [(p.pk, p.slug, p.live, p.content_type.model) for p in pages],
        Revision.objects.count(),
    )


def edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_load_creates_published_courses_with_lessons_then_quiz(catalogue_dir):
    report = catalogue_load(directory=catalogue_dir)
    assert len(report.created) == 2 + 3 + 2  # courses, lessons, quizzes

    course = CoursePage.objects.get(slug="so-quy-tht")
    assert course.live and course.title == "Sổ quỹ cho tổ hợp tác"
    assert course.estimated_hours == Decimal("1.5") and course.audience == "managers"
    assert [t.slug for t in course.topics.all()] == ["accounting"]
    assert [o.value for o in course.outcomes] == ["Ghi sổ quỹ đúng ngày.", "Kiểm quỹ khớp với sổ."]
    assert course.cover_image is not None and (course.cover_image.width, course.cover_image.height) == (
        1200,
        675,
    )
    children = course.get_children().live().specific()
    assert [type(c).__name__ for c in children] == ["LessonPage", "LessonPage", "QuizPage"]
    assert [c.slug for c in children] == ["vi-sao-ghi-so", "kiem-quy", "kiem-tra-so-quy"]

    lesson = LessonPage.objects.get(slug="kiem-quy")
    assert [b.block_type for b in lesson.body] == ["example_table", "checklist"]
    assert list(lesson.body[1].value["items"]) == ["Đếm tiền có hai người", "Ký biên bản kiểm quỹ"]
    quiz = QuizPage.objects.child_of(course).get()
    assert (quiz.pass_mark, quiz.max_attempts, quiz.time_limit_minutes) == (70, 3, None)
    assert quiz.shuffle_questions and not quiz.shuffle_choices
    assert [q.block_type for q in quiz.questions] == ["single", "multiple", "true_false"]
    assert quiz.questions[2].value["answer"] is False
    assert [c["correct"] for c in quiz.questions[1].value["choices"]] == [True, True, False]

    other = CoursePage.objects.get(slug="ban-hang-truc-tuyen-thu")
    assert sorted(t.slug for t in other.topics.all()) == ["ecommerce", "technology"]
    assert not other.earns_certificate


def test_loaded_pages_are_searchable(client, catalogue_dir):
    catalogue_load(directory=catalogue_dir, covers=False)
    page = client.get("/khoa-hoc/", {"q": "kiem quy"}).content.decode()
    assert "Bài 2. Kiểm quỹ cuối tuần" in page


def test_loading_twice_leaves_the_same_pages_and_revisions(catalogue_dir):
    catalogue_load(directory=catalogue_dir)
    before = snapshot()
    report = catalogue_load(directory=catalogue_dir)
    assert report.created == [] and report.updated == []
    assert len(report.unchanged) == 7
    assert snapshot() == before


def test_a_change_publishes_a_new_revision_of_that_page_only(catalogue_dir):
    catalogue_load(directory=catalogue_dir, covers=False)
    lesson = LessonPage.objects.get(slug="kiem-quy")
    revisions = Revision.objects.count()
    lesson_revisions = lesson.revisions.count()

    def retitle(data):
        data["lessons"][1]["title"] = "Bài 2. Kiểm quỹ mỗi tuần"
        data["lessons"][1]["body"][0]["example_table"]["note"] = "Đếm lại nếu lệch."

    edit(catalogue_dir / "01-so-quy.yaml", retitle)
    report = catalogue_load(directory=catalogue_dir, covers=False)
    assert report.updated == ["so-quy-tht/kiem-quy"]
    assert Revision.objects.count() == revisions + 1
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert lesson.revisions.count() == lesson_revisions + 1
    assert lesson.live and lesson.title == "Bài 2. Kiểm quỹ mỗi tuần"
    assert lesson.body[0].value["note"] == "Đếm lại nếu lệch."


def test_a_new_lesson_takes_its_place_before_the_quiz(catalogue_dir):
    catalogue_load(directory=catalogue_dir, covers=False)
    ids = {p.slug: p.pk for p in Page.objects.filter(depth__gte=5)}

    def insert(data):
        data["lessons"].insert(
            1,
            {
                "slug": "chung-tu",
                "title": "Bài 1b. Chứng từ",
                "estimated_minutes": 5,
                "body": [{"paragraph": "<p>Phiếu thu, phiếu chi.</p>"}],
            },
        )

    edit(catalogue_dir / "01-so-quy.yaml", insert)
    catalogue_load(directory=catalogue_dir, covers=False)
    course = CoursePage.objects.get(slug="so-quy-tht")
    assert [c.slug for c in course.get_children()] == [
        "vi-sao-ghi-so",
        "chung-tu",
        "kiem-quy",
        "kiem-tra-so-quy",
    ]
    assert LessonPage.objects.get(slug="kiem-quy").pk == ids["kiem-quy"]
    before = snapshot()
    catalogue_load(directory=catalogue_dir, covers=False)
    assert snapshot() == before


BROKEN = [
    ("title: [unclosed", "YAML không hợp lệ"),
    ("- a list", "phải là một bảng khóa"),
]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("title"), "thiếu “title”"),
        (lambda d: d.update(slug="Sổ Quỹ"), "chỉ được gồm chữ thường không dấu"),
        (lambda d: d.update(topics=["ke-toan"]), "chủ đề không có: ke-toan"),
        (lambda d: d.update(audience="all"), "audience"),
        (
            lambda d: d["lessons"][0]["body"].append({"video": "x"}),
            "bài 1, khối 4: loại khối “video” không có",
        ),
        (
            lambda d: d["lessons"][0]["body"].append({"paragraph": "<p><script>x</script></p>"}),
            "thẻ HTML không được phép: <script>",
        ),
        (
            lambda d: d["quiz"]["questions"][0]["choices"][1].update(correct=True),
            "quiz, câu 1: câu một lựa chọn phải có đúng một",
        ),
        (
            lambda d: d["quiz"]["questions"][2].update(answer="có"),
            "quiz, câu 3: “answer” phải là true hoặc false",
        ),
        (lambda d: d["quiz"].update(pass_mark=120), "“pass_mark” phải từ 0 đến 100"),
        (lambda d: d["lessons"][1].update(slug="vi-sao-ghi-so"), "trùng với một bài khác"),
        (
            lambda d: d["lessons"][1]["body"][0]["example_table"].update(rows="A | 1 | 2"),
            "dòng 1 có 3 ô, nhiều hơn dòng tiêu đề",
        ),
    ],
)
def test_invalid_files_are_refused_naming_file_and_problem(catalogue_dir, change, message):
    edit(catalogue_dir / "01-so-quy.yaml", change)
    with pytest.raises(CatalogueError) as error:
        catalogue_load(directory=catalogue_dir)
    assert any(p.startswith("01-so-quy.yaml: ") and message in p for p in error.value.problems), (
        error.value.problems
    )
    assert not CoursePage.objects.exists()  # nothing half-written


@pytest.mark.parametrize(("text", "message"), BROKEN)
def test_unreadable_yaml_is_refused(catalogue_dir, text, message):
    (catalogue_dir / "03-hong.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as error:
        catalogue_load(directory=catalogue_dir)
    assert any(p.startswith("03-hong.yaml: ") and message in p for p in error.value.problems)
    assert not CoursePage.objects.exists()


def test_the_same_course_slug_in_two_files_is_refused(catalogue_dir):
    edit(catalogue_dir / "02-ban-hang.yaml", lambda d: d.update(slug="so-quy-tht"))
    with pytest.raises(
        CatalogueError, match="02-ban-hang.yaml: slug “so-quy-tht” đã dùng trong 01-so-quy.yaml"
    ):
        catalogue_load(directory=catalogue_dir)


def test_command_reports_errors_and_counts(catalogue_dir):
    out = StringIO()
    call_command("load_catalogue", str(catalogue_dir), "--no-covers", stdout=out)
    assert "7 trang tạo mới" in out.getvalue()
    out = StringIO()
    call_command("load_catalogue", str(catalogue_dir), "--no-covers", stdout=out)
    assert "7 trang không đổi" in out.getvalue()
    edit(catalogue_dir / "02-ban-hang.yaml", lambda d: d.pop("quiz"))
    with pytest.raises(CommandError, match="02-ban-hang.yaml: quiz"):
        call_command("load_catalogue", str(catalogue_dir))
    with pytest.raises(CommandError, match="Không tìm thấy thư mục"):
        call_command("load_catalogue", str(catalogue_dir / "khong-co"))


def test_the_starter_catalogue_has_six_full_courses():
    """The project's own catalogue: at least six courses, each with at least
    four lessons and a quiz of at least eight questions."""
    catalogue_load(directory=DEFAULT_DIRECTORY, covers=False)
    courses = CoursePage.objects.live()
    assert courses.count() >= 6
    for course in courses:
        lessons = LessonPage.objects.child_of(course).live()
        quiz = QuizPage.objects.child_of(course).live().get()
        assert lessons.count() >= 4, course.slug
        assert len(quiz.questions) >= 8, course.slug
    topics = {t.slug for c in courses for t in c.topics.all()}
    assert {"governance", "accounting", "ecommerce", "technology", "advocacy", "coop_development"} <= topics
