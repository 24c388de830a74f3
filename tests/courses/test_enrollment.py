import pytest
from django.core.exceptions import ValidationError

from courses.models import Enrollment, LessonProgress
from courses.selectors import bulk_enrol_targets
from courses.services import (
    enrollment_bulk_enrol,
    enrollment_enrol,
    enrollment_withdraw,
    lesson_mark_done,
    person_for_user,
)
from lms.registry.models import Person
from tests.factories.courses import learner, lessons_of
from tests.factories.registry import AffiliationFactory, PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_enrolling_twice_keeps_one_enrollment(course):
    user = learner()
    first, changed = enrollment_enrol(user=user, course=course)
    again, changed_again = enrollment_enrol(user=user, course=course)
    assert changed and not changed_again
    assert first.pk == again.pk
    assert Enrollment.objects.count() == 1


def test_unenrol_keeps_history_and_reenrol_reactivates_with_progress(course):
    user = learner()
    enrollment, _ = enrollment_enrol(user=user, course=course)
    lesson_mark_done(user=user, lesson=lessons_of(course)[0])
    withdrawn = enrollment_withdraw(enrollment=enrollment)
    assert withdrawn.status == Enrollment.Status.WITHDRAWN and withdrawn.withdrawn_at is not None
    assert LessonProgress.objects.filter(enrollment=enrollment).count() == 1
    back, changed = enrollment_enrol(user=user, course=course)
    assert changed and back.pk == enrollment.pk
    assert back.status == Enrollment.Status.ACTIVE and back.withdrawn_at is None
    assert LessonProgress.objects.filter(enrollment=back).count() == 1


def test_a_withdrawn_learner_cannot_mark_lessons_done(course):
    user = learner()
    enrollment, _ = enrollment_enrol(user=user, course=course)
    enrollment_withdraw(enrollment=enrollment)
    with pytest.raises(ValidationError):
        lesson_mark_done(user=user, lesson=lessons_of(course)[0])


def test_unpublished_course_cannot_be_enrolled(course):
    course.unpublish()
    course.refresh_from_db()
    with pytest.raises(ValidationError):
        enrollment_enrol(user=learner(), course=course)


def test_account_without_person_gets_one_on_first_enrolment(course):
    user = UserFactory(username="lan", first_name="Lan", last_name="Võ Thị", role="learner")
    assert user.person_id is None
    enrollment_enrol(user=user, course=course)
    user.refresh_from_db()
    person = user.person
    assert person.code == "ACC-lan"
    assert person.gender == Person.Gender.OTHER and person.org_unit is None
    assert person.full_name == user.get_full_name()
    enrollment_enrol(user=user, course=course)
    assert Person.objects.filter(code__startswith="ACC-").count() == 1


def test_lazy_person_code_never_takes_another_accounts_person():
    taken = learner(person=PersonFactory(code="ACC-mai"))
    assert taken.person.code == "ACC-mai"
    other = UserFactory(username="mai", role="learner")
    person = person_for_user(user=other)
    assert person.code == "ACC-mai-2"


def test_person_name_falls_back_to_username():
    user = UserFactory(username="hoa", role="learner")
    assert person_for_user(user=user).full_name == "hoa"


class TestBulkEnrol:
    def test_official_targets_only_accounts_in_her_scope(self, course, cast):
        accounts, without = bulk_enrol_targets(user=cast.official_in)
        usernames = set(accounts.values_list("username", flat=True))
        assert usernames == {"learner_a", "learner_b"}
        accounts_out, _ = bulk_enrol_targets(user=cast.official_out)
        assert not accounts_out.exists()

    def test_by_cooperative_and_role(self, course, cast, tree):
        AffiliationFactory(person=cast.a.person, cooperative=cast.coop_ka, role="chair")
        AffiliationFactory(person=cast.b.person, cooperative=cast.coop_ka, role="member")
        no_account = PersonFactory(org_unit=tree.ka)
        AffiliationFactory(person=no_account, cooperative=cast.coop_ka, role="director")
        accounts, without = bulk_enrol_targets(user=cast.trainer, cooperative=cast.coop_ka)
        assert set(accounts.values_list("username", flat=True)) == {"learner_a", "learner_b"}
        assert list(without) == [no_account]
        managers, without = bulk_enrol_targets(
            user=cast.trainer, cooperative=cast.coop_ka, roles=["chair", "director"]
        )
        assert list(managers.values_list("username", flat=True)) == ["learner_a"]
        assert without.count() == 1

    def test_by_unit_follows_home_unit_and_units_below(self, course, cast, tree):
        accounts, _ = bulk_enrol_targets(user=cast.admin, unit=tree.ka)
        assert list(accounts.values_list("username", flat=True)) == ["learner_a"]
        accounts, _ = bulk_enrol_targets(user=cast.admin, unit=tree.district)
        assert set(accounts.values_list("username", flat=True)) == {"learner_a", "learner_b"}

    def test_ended_affiliation_does_not_count(self, course, cast):
        import datetime as dt

        AffiliationFactory(
            person=cast.a.person,
            cooperative=cast.coop_ka,
            role="chair",
            start_date=dt.date(2010, 1, 1),
            end_date=dt.date(2012, 1, 1),
        )
        accounts, _ = bulk_enrol_targets(user=cast.trainer, cooperative=cast.coop_ka)
        assert not accounts.exists()

    def test_bulk_enrol_creates_reactivates_and_keeps(self, course, cast):
        enrollment_enrol(user=cast.a, course=course)
        withdrawn, _ = enrollment_enrol(user=cast.b, course=course)
        enrollment_withdraw(enrollment=withdrawn)
        third = learner()
        result = enrollment_bulk_enrol(course=course, users=[cast.a, cast.b, third], by=cast.trainer)
        assert (result.created, result.reactivated, result.unchanged) == (1, 1, 1)
        assert Enrollment.objects.filter(course=course, status="active").count() == 3
        assert Enrollment.objects.get(user=third).enrolled_by == cast.trainer
        again = enrollment_bulk_enrol(course=course, users=[cast.a, cast.b, third], by=cast.trainer)
        assert (again.created, again.reactivated, again.unchanged) == (0, 0, 3)


class TestEnrolPages:
    def test_self_enrol_from_course_page(self, client, course):
        user = learner()
        client.force_login(user)
        response = client.post(f"/learning/courses/{course.pk}/enrol/")
        assert response.status_code == 302 and response["Location"] == course.url
        assert Enrollment.objects.filter(user=user, course=course, status="active").exists()
        client.post(f"/learning/courses/{course.pk}/enrol/")
        assert Enrollment.objects.count() == 1

    def test_enrol_needs_post(self, client, course):
        client.force_login(learner())
        assert client.get(f"/learning/courses/{course.pk}/enrol/").status_code == 405

    def test_anonymous_enrol_goes_to_login(self, client, course):
        response = client.post(f"/learning/courses/{course.pk}/enrol/")
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not Enrollment.objects.exists()

    def test_unknown_course_is_404(self, client):
        client.force_login(learner())
        assert client.post("/learning/courses/999999/enrol/").status_code == 404

    def test_unenrol_from_course_page(self, client, course):
        user = learner()
        client.force_login(user)
        client.post(f"/learning/courses/{course.pk}/enrol/")
        client.post(f"/learning/courses/{course.pk}/unenrol/")
        assert Enrollment.objects.get(user=user).status == "withdrawn"
        page = client.get(course.url).content.decode()
        assert "Đăng ký học lại" in page


class TestBulkEnrolAdmin:
    url = "/admin/learning/enrol/"

    def test_learner_cannot_open_it(self, client, cast):
        client.force_login(cast.a)
        response = client.get(self.url)
        assert response.status_code in (302, 403)

    def test_preview_then_confirm(self, client, course, cast, tree):
        client.force_login(cast.official_in)
        assert client.get(self.url).status_code == 200
        data = {"course": course.pk, "org_unit": tree.ka.pk}
        preview = client.post(self.url, data)
        assert preview.status_code == 200
        assert "1 tài khoản sẽ được đăng ký học" in preview.content.decode()
        assert not Enrollment.objects.exists()
        done = client.post(self.url, {**data, "confirm": "1"})
        assert done.status_code == 302
        assert list(Enrollment.objects.values_list("user__username", flat=True)) == ["learner_a"]

    def test_official_cannot_pick_a_unit_outside_her_scope(self, client, course, cast, tree):
        client.force_login(cast.official_out)
        response = client.post(self.url, {"course": course.pk, "org_unit": tree.ka.pk, "confirm": "1"})
        assert response.status_code == 200  # the form says the choice is invalid
        assert not Enrollment.objects.exists()
