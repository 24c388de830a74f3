import json
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from content.models import QuizPage
from courses.models import Attempt, Completion
from courses.services import attempt_start, attempt_submit, enrollment_enrol, lesson_mark_done
from courses.services.quiz import GRACE
from tests.factories.courses import learner, lessons_of, quiz_of, right_answers, wrong_answers
from tests.factories.courses import quick_course as make_course

pytestmark = pytest.mark.django_db

EXPLAIN_1 = "GIẢI-THÍCH-MỘT: Hội đồng quản trị triệu tập."
EXPLAIN_2 = "GIẢI-THÍCH-HAI: chọn cả hai phương án đúng."
EXPLAIN_3 = "GIẢI-THÍCH-BA: mỗi thành viên một phiếu."


def questions():
    return [
        (
            "single",
            {
                "prompt": "Ai triệu tập Đại hội thành viên thường niên?",
                "choices": [
                    {"text": "Một thành viên bất kỳ", "correct": False},
                    {"text": "Hội đồng quản trị", "correct": True},
                    {"text": "Kế toán", "correct": False},
                ],
                "explanation": EXPLAIN_1,
            },
        ),
        (
            "multiple",
            {
                "prompt": "Những việc nào thuộc quyền của thành viên?",
                "choices": [
                    {"text": "Biểu quyết tại đại hội", "correct": True},
                    {"text": "Tự ý bán tài sản chung", "correct": False},
                    {"text": "Được cung cấp thông tin", "correct": True},
                ],
                "explanation": EXPLAIN_2,
            },
        ),
        (
            "true_false",
            {"prompt": "Mỗi thành viên có một phiếu biểu quyết.", "answer": True, "explanation": EXPLAIN_3},
        ),
    ]


def make_quiz_course(**options):
    options.setdefault("pass_mark", 60)
    return make_course("Kiểm tra", lessons=1, questions=questions(), **options)


def enrolled(course, user=None):
    user = user or learner()
    enrollment_enrol(user=user, course=course)
    return user


def started(course, user=None):
    user = enrolled(course, user)
    attempt, _ = attempt_start(user=user, quiz=quiz_of(course))
    return user, attempt


class TestSnapshot:
    def test_snapshot_keeps_block_and_item_ids_stable_across_attempts(self):
        course = make_quiz_course(max_attempts=0)
        quiz = quiz_of(course)
        user, first = started(course)
        attempt_submit(attempt=first, answers={})
        second, _ = attempt_start(user=user, quiz=quiz)
        block_ids = [child.id for child in quiz.questions]
        assert [q["id"] for q in first.questions] == block_ids == [q["id"] for q in second.questions]
        item_ids = [item.id for item in quiz.questions[0].value["choices"].bound_blocks]
        assert [c["id"] for c in first.questions[0]["choices"]] == item_ids
        assert [c["id"] for c in second.questions[0]["choices"]] == item_ids
        assert first.pass_mark == 60

    def test_editing_the_quiz_later_does_not_change_grading(self):
        course = make_quiz_course()
        user, attempt = started(course)
        answers = right_answers(attempt)
        quiz = QuizPage.objects.get(pk=quiz_of(course).pk)
        # The trainer now says "Kế toán" is right instead, and raises the pass mark.
        data = quiz.questions.raw_data
        for choice in data[0]["value"]["choices"]:
            choice["value"]["correct"] = choice["value"]["text"] == "Kế toán"
        quiz.questions = data
        quiz.pass_mark = 100
        quiz.save_revision().publish()
        result = attempt_submit(attempt=attempt, answers=answers)
        assert result.score == 100 and result.passed

    def test_shuffled_order_is_stored_and_shown(self, client):
        course = make_quiz_course(shuffle_questions=True, shuffle_choices=True, max_attempts=0)
        user, attempt = started(course)
        client.force_login(user)
        html = client.get(f"/learning/attempts/{attempt.pk}/").content.decode()
        shown = re.findall(r'name="q-([^"]+)" value="([^"]+)"', html)
        expected = [(q["id"], c["id"]) for q in attempt.questions for c in q["choices"]]
        assert shown == expected
        # Same set of questions and options whatever the order.
        quiz = quiz_of(course)
        assert {q["id"] for q in attempt.questions} == {child.id for child in quiz.questions}

    def test_quiz_without_questions_cannot_be_started(self):
        course = make_course(lessons=1, questions=[])
        user = enrolled(course)
        with pytest.raises(ValidationError) as exc:
            attempt_start(user=user, quiz=quiz_of(course))
        assert exc.value.code == "no_questions"


class TestGrading:
    def test_right_answers_score_100(self):
        _user, attempt = started(make_quiz_course())
        result = attempt_submit(attempt=attempt, answers=right_answers(attempt))
        assert (result.status, result.score, result.correct_count, result.passed) == (
            "submitted",
            100,
            3,
            True,
        )

    def test_multiple_choice_needs_all_correct_options_and_only_those(self):
        _user, attempt = started(make_quiz_course(max_attempts=0))
        q = attempt.questions[1]
        right = [c["id"] for c in q["choices"] if c["correct"]]
        wrong = [c["id"] for c in q["choices"] if not c["correct"]]
        base = right_answers(attempt)
        result = attempt_submit(attempt=attempt, answers={**base, q["id"]: right[:1]})
        assert result.correct_count == 2  # one of two correct options: wrong
        user = attempt.user
        again, _ = attempt_start(user=user, quiz=attempt.quiz)
        result = attempt_submit(attempt=again, answers={**base, q["id"]: right + wrong})
        assert result.correct_count == 2  # all correct plus a wrong one: wrong
        third, _ = attempt_start(user=user, quiz=attempt.quiz)
        assert attempt_submit(attempt=third, answers=base).correct_count == 3

    def test_two_options_on_a_single_choice_question_is_wrong(self):
        _user, attempt = started(make_quiz_course())
        q = attempt.questions[0]
        answers = {**right_answers(attempt), q["id"]: [c["id"] for c in q["choices"]]}
        assert attempt_submit(attempt=attempt, answers=answers).correct_count == 2

    def test_unknown_ids_are_ignored_and_score_rounds_to_one_decimal(self):
        _user, attempt = started(make_quiz_course())
        first = attempt.questions[0]
        answers = {first["id"]: [c["id"] for c in first["choices"] if c["correct"]], "forged": ["x"]}
        result = attempt_submit(attempt=attempt, answers=answers)
        assert str(result.score) == "33.3" and not result.passed
        assert "forged" not in result.answers

    def test_pass_mark_is_inclusive(self):
        course = make_course(lessons=1, questions=questions(), pass_mark=67)
        _user, attempt = started(course)
        answers = right_answers(attempt)
        answers[attempt.questions[2]["id"]] = ["false"]
        result = attempt_submit(attempt=attempt, answers=answers)
        assert str(result.score) == "66.7" and not result.passed


class TestLimits:
    def test_start_resumes_the_open_attempt(self):
        course = make_quiz_course()
        user, attempt = started(course)
        again, created = attempt_start(user=user, quiz=quiz_of(course))
        assert not created and again.pk == attempt.pk
        assert Attempt.objects.count() == 1

    def test_attempt_limit_is_enforced(self):
        course = make_quiz_course(max_attempts=2)
        user, attempt = started(course)
        attempt_submit(attempt=attempt, answers={})
        second, _ = attempt_start(user=user, quiz=quiz_of(course))
        attempt_submit(attempt=second, answers={})
        with pytest.raises(ValidationError) as exc:
            attempt_start(user=user, quiz=quiz_of(course))
        assert exc.value.code == "no_attempts_left"
        assert Attempt.objects.count() == 2

    def test_zero_means_no_limit(self):
        course = make_quiz_course(max_attempts=0)
        user = enrolled(course)
        for _ in range(4):
            attempt, created = attempt_start(user=user, quiz=quiz_of(course))
            assert created
            attempt_submit(attempt=attempt, answers={})
        assert Attempt.objects.count() == 4

    def test_not_enrolled_cannot_start(self):
        course = make_quiz_course()
        with pytest.raises(ValidationError) as exc:
            attempt_start(user=learner(), quiz=quiz_of(course))
        assert exc.value.code == "not_enrolled"

    def test_deadline_follows_the_time_limit(self):
        course = make_quiz_course(time_limit_minutes=10)
        _user, attempt = started(course)
        assert attempt.deadline - attempt.started_at == pytest.approx(
            timedelta(minutes=10), abs=timedelta(seconds=2)
        )

    def test_submission_within_the_grace_period_is_graded(self):
        _user, attempt = started(make_quiz_course(time_limit_minutes=5))
        Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - GRACE + timedelta(seconds=5))
        attempt.refresh_from_db()
        result = attempt_submit(attempt=attempt, answers=right_answers(attempt))
        assert result.status == "submitted" and result.passed

    def test_late_submission_is_expired_with_zero_and_counts_as_an_attempt(self):
        course = make_quiz_course(time_limit_minutes=5, max_attempts=1)
        user, attempt = started(course)
        Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - GRACE - timedelta(seconds=1))
        attempt.refresh_from_db()
        answers = right_answers(attempt)
        result = attempt_submit(attempt=attempt, answers=answers)
        assert (result.status, result.score, result.passed, result.correct_count) == ("expired", 0, False, 0)
        assert result.answers == answers  # kept for the record, not graded
        with pytest.raises(ValidationError):
            attempt_start(user=user, quiz=quiz_of(course))
        assert not Completion.objects.exists()

    def test_overdue_open_attempt_is_expired_when_starting_again(self):
        course = make_quiz_course(time_limit_minutes=5, max_attempts=3)
        user, attempt = started(course)
        Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(hours=1))
        second, created = attempt_start(user=user, quiz=quiz_of(course))
        assert created and second.number == 2
        attempt.refresh_from_db()
        assert attempt.status == "expired" and attempt.score == 0

    def test_late_page_submission_says_it_was_not_graded(self, client):
        user, attempt = started(make_quiz_course(time_limit_minutes=1))
        Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(minutes=5))
        client.force_login(user)
        response = client.post(f"/learning/attempts/{attempt.pk}/submit/", follow=True)
        html = response.content.decode()
        assert "không được chấm" in html
        assert Attempt.objects.get(pk=attempt.pk).status == "expired"


class TestDoubleSubmission:
    def test_second_submit_returns_first_result(self):
        _user, attempt = started(make_quiz_course())
        first = attempt_submit(attempt=attempt, answers=right_answers(attempt))
        stale = Attempt.objects.get(pk=attempt.pk)
        second = attempt_submit(attempt=stale, answers=wrong_answers(stale))
        assert (second.score, second.passed, second.answers, second.submitted_at) == (
            first.score,
            first.passed,
            first.answers,
            first.submitted_at,
        )

    def test_submitting_from_a_stale_object_still_returns_first_result(self):
        """Two tabs: both hold the open attempt; the second tab's submit loses."""
        _user, attempt = started(make_quiz_course())
        tab_one = Attempt.objects.get(pk=attempt.pk)
        tab_two = Attempt.objects.get(pk=attempt.pk)
        attempt_submit(attempt=tab_one, answers=wrong_answers(tab_one))
        result = attempt_submit(attempt=tab_two, answers=right_answers(tab_two))
        assert not result.passed and result.score == 0

    def test_replayed_form_post_changes_nothing(self, client):
        user, attempt = started(make_quiz_course())
        client.force_login(user)
        right = {f"q-{k}": v for k, v in right_answers(attempt).items()}
        wrong = {f"q-{k}": v for k, v in wrong_answers(attempt).items()}
        client.post(f"/learning/attempts/{attempt.pk}/submit/", wrong)
        response = client.post(f"/learning/attempts/{attempt.pk}/submit/", right, follow=True)
        assert "lần nộp đầu tiên" in response.content.decode()
        attempt.refresh_from_db()
        assert attempt.score == 0 and Attempt.objects.count() == 1

    def test_double_submit_signals_completion_once(self, django_capture_on_commit_callbacks):
        from courses.signals import course_completed

        course = make_quiz_course()
        user, attempt = started(course)
        lesson_mark_done(user=user, lesson=lessons_of(course)[0])
        received = []
        course_completed.connect(lambda **kw: received.append(kw), weak=False, dispatch_uid="double")
        try:
            with django_capture_on_commit_callbacks(execute=True):
                attempt_submit(attempt=attempt, answers=right_answers(attempt))
                attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk), answers=right_answers(attempt))
        finally:
            course_completed.disconnect(dispatch_uid="double")
        assert len(received) == 1 and Completion.objects.count() == 1


def _inputs(html: str) -> list[str]:
    return re.findall(r"<input[^>]*name=\"q-[^>]*>", html)


class TestNoLeak:
    """Correct answers and explanations never reach the browser or the API
    while an attempt is open."""

    SECRETS = (EXPLAIN_1, EXPLAIN_2, EXPLAIN_3, "GIẢI-THÍCH")

    def test_open_attempt_html_and_json_hide_answers_and_explanations(self, client):
        course = make_quiz_course()
        user, attempt = started(course)
        client.force_login(user)
        html = client.get(f"/learning/attempts/{attempt.pk}/").content.decode()
        api = client.get(f"/api/v1/attempts/{attempt.pk}/")
        started_again = client.post(f"/api/v1/quizzes/{quiz_of(course).pk}/attempts/")
        quiz_page = client.get(quiz_of(course).url).content.decode()
        for text in (html, api.content.decode(), started_again.content.decode(), quiz_page):
            for secret in self.SECRETS:
                assert secret not in text
        for payload in (api.json(), started_again.json()):
            dumped = json.dumps(payload)
            assert '"correct"' not in dumped and '"explanation"' not in dumped and '"answer"' not in dumped
            assert payload["results"] is None and payload["score"] is None
            assert {k for q in payload["questions"] for c in q["choices"] for k in c} == {"id", "text"}
        # Correct and wrong options are marked up alike: only the value differs.
        for q in attempt.questions:
            markup = {
                c["correct"]: re.sub(r'value="[^"]*"', "", next(i for i in _inputs(html) if c["id"] in i))
                for c in q["choices"]
            }
            assert markup[True] == markup[False]

    def test_explanations_appear_after_submission_when_review_is_full(self, client):
        user, attempt = started(make_quiz_course(review="full"))
        client.force_login(user)
        client.post(f"/learning/attempts/{attempt.pk}/submit/", {})
        html = client.get(f"/learning/attempts/{attempt.pk}/").content.decode()
        assert EXPLAIN_1 in html and "✗ Sai" in html
        data = client.get(f"/api/v1/attempts/{attempt.pk}/").json()
        assert data["review"] == "full" and data["results"][0]["explanation"] == EXPLAIN_1
        assert data["results"][0]["correct"] is False

    def test_review_score_shows_score_only(self, client):
        user, attempt = started(make_quiz_course(review="score"))
        client.force_login(user)
        client.post(f"/learning/attempts/{attempt.pk}/submit/", {})
        html = client.get(f"/learning/attempts/{attempt.pk}/").content.decode()
        assert "0%" in html and "Chưa đạt" in html
        assert EXPLAIN_1 not in html and "Xem lại từng câu" not in html
        data = client.get(f"/api/v1/attempts/{attempt.pk}/").json()
        assert data["review"] == "score" and data["results"] is None

    def test_review_after_pass_shows_explanations_only_once_passed(self, client):
        course = make_quiz_course(review="after_pass", max_attempts=0)
        user, attempt = started(course)
        client.force_login(user)
        client.post(f"/learning/attempts/{attempt.pk}/submit/", {})
        failed_page = client.get(f"/learning/attempts/{attempt.pk}/").content.decode()
        assert EXPLAIN_1 not in failed_page
        second, _ = attempt_start(user=user, quiz=quiz_of(course))
        attempt_submit(attempt=second, answers=right_answers(second))
        passed_page = client.get(f"/learning/attempts/{second.pk}/").content.decode()
        assert EXPLAIN_1 in passed_page
        # and the first attempt's review opens too
        assert EXPLAIN_1 in client.get(f"/learning/attempts/{attempt.pk}/").content.decode()


class TestQuizPages:
    def test_start_from_the_quiz_page_and_pass(self, client):
        course = make_quiz_course()
        user = enrolled(course)
        client.force_login(user)
        quiz = quiz_of(course)
        page = client.get(quiz.url).content.decode()
        assert f'action="/learning/quizzes/{quiz.pk}/start/"' in page and "Còn 3 lượt làm bài." in page
        response = client.post(f"/learning/quizzes/{quiz.pk}/start/")
        attempt = Attempt.objects.get()
        assert response["Location"] == f"/learning/attempts/{attempt.pk}/"
        form = {f"q-{k}": v for k, v in right_answers(attempt).items()}
        result = client.post(f"/learning/attempts/{attempt.pk}/submit/", form, follow=True).content.decode()
        assert "100%" in result and "Đạt" in result
        page = client.get(quiz.url).content.decode()
        assert "Đã đạt" in page and "Còn 2 lượt làm bài." in page

    def test_quiz_page_says_when_no_attempts_are_left(self, client):
        course = make_quiz_course(max_attempts=1)
        user, attempt = started(course)
        attempt_submit(attempt=attempt, answers={})
        client.force_login(user)
        page = client.get(quiz_of(course).url).content.decode()
        assert "Bạn đã dùng hết số lượt làm bài." in page
        response = client.post(f"/learning/quizzes/{quiz_of(course).pk}/start/", follow=True)
        assert "Bạn đã dùng hết 1 lượt làm bài" in response.content.decode()

    def test_open_attempt_is_resumed_from_the_quiz_page(self, client):
        course = make_quiz_course()
        user, attempt = started(course)
        client.force_login(user)
        page = client.get(quiz_of(course).url).content.decode()
        assert f'href="/learning/attempts/{attempt.pk}/"' in page and "Tiếp tục làm bài" in page

    def test_timed_attempt_shows_the_deadline_and_countdown_script(self, client):
        user, attempt = started(make_quiz_course(time_limit_minutes=15))
        client.force_login(user)
        html = client.get(f"/learning/attempts/{attempt.pk}/").content.decode()
        assert 'id="deadline"' in html and "courses/attempt.js" in html
