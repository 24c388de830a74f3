import pytest
from rest_framework.test import APIClient

from courses.models import Attempt, Enrollment, LessonProgress
from courses.services import attempt_start, enrollment_enrol, lesson_mark_done
from tests.courses.conftest import OTHERS
from tests.factories.courses import finish_course, learner, lessons_of, quiz_of, right_answers
from tests.factories.courses import quick_course as make_course

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def a_state(course, cast):
    """Learner A is enrolled, has done one lesson and has an open attempt."""
    enrollment, _ = enrollment_enrol(user=cast.a, course=course)
    lesson_mark_done(user=cast.a, lesson=lessons_of(course)[0])
    attempt, _ = attempt_start(user=cast.a, quiz=quiz_of(course))
    return enrollment, attempt


class TestLearnerFlow:
    def test_enrol_learn_and_pass_through_the_api(self, course):
        user = learner()
        client = api(user)
        listing = client.get("/api/v1/courses/").json()
        assert listing["count"] == 1
        assert listing["results"][0]["topics"] == [{"slug": "governance", "name": "Quản trị, điều hành"}]
        detail = client.get(f"/api/v1/courses/{course.pk}/").json()
        assert [lesson["title"] for lesson in detail["lessons"]] == ["Bài 1", "Bài 2"]
        assert detail["quizzes"][0]["question_count"] == 2 and detail["enrollment"] is None
        enrolled = client.post(f"/api/v1/courses/{course.pk}/enrol/")
        assert enrolled.status_code == 201
        assert client.post(f"/api/v1/courses/{course.pk}/enrol/").status_code == 200
        assert enrolled.json()["progress"]["continue_at"]["id"] == detail["lessons"][0]["id"]
        for lesson in detail["lessons"]:
            done = client.post(f"/api/v1/lessons/{lesson['id']}/done/")
            assert done.status_code == 200
        assert done.json()["progress"]["done_lesson_ids"] == [les["id"] for les in detail["lessons"]]
        started = client.post(f"/api/v1/quizzes/{detail['quizzes'][0]['id']}/attempts/")
        assert started.status_code == 201
        attempt = Attempt.objects.get()
        result = client.post(
            f"/api/v1/attempts/{attempt.pk}/submit/", {"answers": right_answers(attempt)}, format="json"
        )
        assert result.status_code == 200
        body = result.json()
        assert (body["status"], body["score"], body["passed"]) == ("submitted", "100.0", True)
        mine = client.get("/api/v1/enrollments/").json()["results"][0]
        assert mine["completed_on"] is not None and mine["progress"]["percent"] == 100
        completions = client.get("/api/v1/completions/").json()
        assert [(c["kind"], c["topics"], c["source"]) for c in completions] == [
            ("course", ["governance"], "online")
        ]

    def test_second_submit_returns_first_result(self, course):
        user = learner()
        enrollment_enrol(user=user, course=course)
        attempt, _ = attempt_start(user=user, quiz=quiz_of(course))
        client = api(user)
        first = client.post(f"/api/v1/attempts/{attempt.pk}/submit/", {"answers": {}}, format="json").json()
        second = client.post(
            f"/api/v1/attempts/{attempt.pk}/submit/", {"answers": right_answers(attempt)}, format="json"
        ).json()
        assert first == second and first["score"] == "0.0"

    def test_bad_answers_body_is_a_400(self, course):
        user = learner()
        enrollment_enrol(user=user, course=course)
        attempt, _ = attempt_start(user=user, quiz=quiz_of(course))
        response = api(user).post(f"/api/v1/attempts/{attempt.pk}/submit/", {"answers": "abc"}, format="json")
        assert response.status_code == 400 and "không hợp lệ" in response.json()["detail"]
        assert Attempt.objects.get().is_open

    def test_no_attempts_left_is_a_400_with_a_message(self, db):
        course = make_course(lessons=1, max_attempts=1)
        user = learner()
        client = api(user)
        client.post(f"/api/v1/courses/{course.pk}/enrol/")
        attempt = client.post(f"/api/v1/quizzes/{quiz_of(course).pk}/attempts/").json()
        client.post(f"/api/v1/attempts/{attempt['id']}/submit/", {"answers": {}}, format="json")
        response = client.post(f"/api/v1/quizzes/{quiz_of(course).pk}/attempts/")
        assert response.status_code == 400 and response.json()["code"] == "no_attempts_left"

    def test_unenrol_keeps_the_enrolment(self, course):
        user = learner()
        client = api(user)
        client.post(f"/api/v1/courses/{course.pk}/enrol/")
        response = client.post(f"/api/v1/courses/{course.pk}/unenrol/")
        assert response.status_code == 200 and response.json()["status"] == "withdrawn"
        assert client.get("/api/v1/enrollments/?status=withdrawn").json()["count"] == 1

    def test_unpublished_course_is_404(self, course):
        course.unpublish()
        assert api().get(f"/api/v1/courses/{course.pk}/").status_code == 404
        assert api(learner()).post(f"/api/v1/courses/{course.pk}/enrol/").status_code == 404

    def test_topic_filter(self, course):
        make_course("Kế toán", topics=("accounting",))
        titles = [c["title"] for c in api().get("/api/v1/courses/?topic=accounting").json()["results"]]
        assert titles == ["Kế toán"]

    def test_schema_documents_the_learner_endpoints(self, client):
        schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
        for path in (
            "/api/v1/courses/",
            "/api/v1/courses/{course_id}/",
            "/api/v1/courses/{course_id}/enrol/",
            "/api/v1/enrollments/",
            "/api/v1/lessons/{lesson_id}/done/",
            "/api/v1/quizzes/{quiz_id}/attempts/",
            "/api/v1/attempts/{attempt_id}/submit/",
            "/api/v1/completions/",
        ):
            assert path in schema["paths"], path
        question = schema["components"]["schemas"]["Choice"]["properties"]
        assert set(question) == {"id", "text"}


class TestPermissionMatrix:
    """anonymous, learner A (the owner), learner B, trainer, official in
    scope, official out of scope, admin — on every learner endpoint."""

    def test_anonymous(self, course, cast, a_state):
        enrollment, attempt = a_state
        client = api()
        assert client.get("/api/v1/courses/").status_code == 200
        assert client.get(f"/api/v1/courses/{course.pk}/").json()["enrollment"] is None
        for method, url in [
            ("post", f"/api/v1/courses/{course.pk}/enrol/"),
            ("post", f"/api/v1/courses/{course.pk}/unenrol/"),
            ("get", "/api/v1/enrollments/"),
            ("get", f"/api/v1/enrollments/{enrollment.pk}/"),
            ("post", f"/api/v1/lessons/{lessons_of(course)[1].pk}/done/"),
            ("post", f"/api/v1/quizzes/{quiz_of(course).pk}/attempts/"),
            ("get", "/api/v1/attempts/"),
            ("get", f"/api/v1/attempts/{attempt.pk}/"),
            ("post", f"/api/v1/attempts/{attempt.pk}/submit/"),
            ("get", "/api/v1/completions/"),
        ]:
            assert getattr(client, method)(url).status_code == 401, url

    def test_owner_sees_her_own(self, course, cast, a_state):
        enrollment, attempt = a_state
        client = api(cast.a)
        assert client.get(f"/api/v1/courses/{course.pk}/").json()["enrollment"]["id"] == enrollment.pk
        assert client.get("/api/v1/enrollments/").json()["count"] == 1
        assert client.get(f"/api/v1/enrollments/{enrollment.pk}/").status_code == 200
        assert client.get("/api/v1/attempts/").json()["count"] == 1
        assert client.get(f"/api/v1/attempts/{attempt.pk}/").status_code == 200
        assert client.post(f"/api/v1/lessons/{lessons_of(course)[1].pk}/done/").status_code == 200
        assert client.post(f"/api/v1/quizzes/{quiz_of(course).pk}/attempts/").status_code == 200  # resumed
        assert (
            client.post(f"/api/v1/attempts/{attempt.pk}/submit/", {"answers": {}}, format="json").status_code
            == 200
        )

    @pytest.mark.parametrize("who", OTHERS)
    def test_nobody_else_sees_or_touches_hers(self, course, cast, a_state, who):
        enrollment, attempt = a_state
        client = api(getattr(cast, who))
        assert client.get("/api/v1/courses/").status_code == 200
        assert client.get(f"/api/v1/courses/{course.pk}/").json()["enrollment"] is None
        assert client.get("/api/v1/enrollments/").json()["count"] == 0
        assert client.get(f"/api/v1/enrollments/{enrollment.pk}/").status_code == 404
        assert client.get("/api/v1/attempts/").json()["count"] == 0
        assert client.get(f"/api/v1/attempts/{attempt.pk}/").status_code == 404
        submit = client.post(
            f"/api/v1/attempts/{attempt.pk}/submit/", {"answers": right_answers(attempt)}, format="json"
        )
        assert submit.status_code == 404
        assert Attempt.objects.get(pk=attempt.pk).is_open
        done = client.post(f"/api/v1/lessons/{lessons_of(course)[1].pk}/done/")
        assert done.status_code == 403 and done.json()["code"] == "not_enrolled"
        start = client.post(f"/api/v1/quizzes/{quiz_of(course).pk}/attempts/")
        assert start.status_code == 403
        assert client.get("/api/v1/completions/").json() == []
        assert client.post(f"/api/v1/courses/{course.pk}/unenrol/").status_code == 404
        assert Enrollment.objects.get(pk=enrollment.pk).status == "active"
        # Anyone with an account may enrol herself.
        assert client.post(f"/api/v1/courses/{course.pk}/enrol/").status_code == 201
        assert LessonProgress.objects.filter(enrollment__user=cast.a).count() == 1

    @pytest.mark.parametrize("who", OTHERS)
    def test_pages_hide_her_attempt_from_everyone_else(self, client, course, cast, a_state, who):
        _enrollment, attempt = a_state
        client.force_login(getattr(cast, who))
        assert client.get(f"/learning/attempts/{attempt.pk}/").status_code == 404
        assert client.post(f"/learning/attempts/{attempt.pk}/submit/").status_code == 404
        assert Attempt.objects.get(pk=attempt.pk).is_open
        dashboard = client.get("/learning/").content.decode()
        assert course.title not in dashboard
        lesson = lessons_of(course)[1]
        client.post(f"/learning/lessons/{lesson.pk}/done/")
        assert not LessonProgress.objects.filter(lesson=lesson).exists()

    def test_pages_for_the_owner_and_for_anonymous(self, client, course, cast, a_state):
        _enrollment, attempt = a_state
        for url in ("/learning/", f"/learning/attempts/{attempt.pk}/"):
            response = client.get(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        response = client.post(f"/learning/attempts/{attempt.pk}/submit/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert client.get(course.url).status_code == 200
        client.force_login(cast.a)
        assert course.title in client.get("/learning/").content.decode()
        assert client.get(f"/learning/attempts/{attempt.pk}/").status_code == 200


class TestQueryCounts:
    @pytest.mark.parametrize("n", [2, 6])
    def test_course_list(self, db, django_assert_num_queries, n):
        for i in range(n):
            make_course(f"Khóa {i}", topics=("governance", "accounting"))
        client = api()
        client.get("/api/v1/courses/")
        # count, page, topics, site root paths
        with django_assert_num_queries(4):
            assert len(client.get("/api/v1/courses/").json()["results"]) == n

    @pytest.mark.parametrize("n", [1, 4])
    def test_my_enrollments(self, db, django_assert_num_queries, n):
        user = learner()
        for i in range(n):
            course = make_course(f"Khóa {i}")
            finish_course(user, course)
        client = api(user)
        client.get("/api/v1/enrollments/")
        # count, page, outlines, progress, passed quizzes, site root paths
        with django_assert_num_queries(6):
            assert client.get("/api/v1/enrollments/").json()["count"] == n

    @pytest.mark.parametrize("n", [1, 4])
    def test_my_attempts(self, db, django_assert_num_queries, n):
        user = learner()
        for i in range(n):
            course = make_course(f"Khóa {i}")
            finish_course(user, course)
        client = api(user)
        client.get("/api/v1/attempts/")
        # count, page (with quizzes), passed quizzes, site root paths
        with django_assert_num_queries(4):
            assert client.get("/api/v1/attempts/").json()["count"] == n

    @pytest.mark.parametrize("n", [1, 4])
    def test_my_completions(self, db, django_assert_num_queries, n):
        from courses.services import attendance_set
        from tests.factories.courses import TrainingSessionFactory

        user = learner()
        for i in range(n):
            finish_course(user, make_course(f"Khóa {i}"))
            attendance_set(session=TrainingSessionFactory(), present=[user.person_id])
        client = api(user)
        # completions with courses and sessions, course topics, session topics
        with django_assert_num_queries(3):
            assert len(client.get("/api/v1/completions/").json()) == 2 * n
