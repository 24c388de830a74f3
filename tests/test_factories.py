import pytest

from tests.factories.content import make_course
from tests.factories.registry import make_tree


@pytest.mark.django_db
def test_course_factory_builds_a_published_course_with_lessons_and_quiz():
    course = make_course(lessons=3)
    children = course.get_children().live().specific()
    assert [type(c).__name__ for c in children] == ["LessonPage"] * 3 + ["QuizPage"]
    assert course.topics.get().slug == "governance"


@pytest.mark.django_db
def test_unit_paths_nest():
    province, district, ka, kt = make_tree()
    assert ka.is_within(district) and ka.is_within(province)
    assert not ka.is_within(kt)
