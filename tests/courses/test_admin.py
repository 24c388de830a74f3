import datetime as dt

import pytest

from courses.models import Attendance, Completion, TrainingSession
from courses.services import attendance_set
from tests.factories.courses import TrainingSessionFactory
from tests.factories.registry import AffiliationFactory, PersonFactory

pytestmark = pytest.mark.django_db

INDEX = "/admin/learning_sessions/"


def session_form(**overrides):
    from content.models import Topic

    data = {
        "code": "TH-2024-01",
        "title": "Tập huấn quản trị HTX",
        "topics": [Topic.objects.get(slug="governance").pk],
        "course": "",
        "org_unit": "",
        "start_date": "2024-05-10",
        "end_date": "",
        "trainer": "Lê Văn Giảng",
    }
    data.update(overrides)
    return data


@pytest.fixture
def sessions(cast, tree):
    inside = TrainingSessionFactory(code="IN", title="Lớp Kiến An", org_unit=tree.ka)
    outside = TrainingSessionFactory(code="OUT", title="Lớp Long Xuyên", org_unit=tree.other)
    return inside, outside


class TestSessionScreens:
    def test_learner_cannot_open_the_sessions_admin(self, client, cast, sessions):
        client.force_login(cast.a)
        assert client.get(INDEX).status_code in (302, 403)
        assert client.get(f"/admin/learning/sessions/{sessions[0].pk}/attendance/").status_code in (302, 403)

    def test_official_lists_only_sessions_in_her_scope(self, client, cast, sessions):
        client.force_login(cast.official_in)
        page = client.get(INDEX).content.decode()
        assert "Lớp Kiến An" in page and "Lớp Long Xuyên" not in page
        assert client.get(f"{INDEX}edit/{sessions[1].pk}/").status_code == 404
        assert client.get(f"/admin/learning/sessions/{sessions[1].pk}/attendance/").status_code == 404

    def test_trainer_sees_every_session(self, client, cast, sessions):
        client.force_login(cast.trainer)
        page = client.get(INDEX).content.decode()
        assert "Lớp Kiến An" in page and "Lớp Long Xuyên" in page

    def test_create_a_one_day_session(self, client, cast, tree):
        client.force_login(cast.trainer)
        response = client.post(f"{INDEX}new/", session_form(org_unit=tree.ka.pk))
        assert response.status_code == 302, response.content.decode()[:3000]
        session = TrainingSession.objects.get()
        assert session.end_date == session.start_date == dt.date(2024, 5, 10)
        assert list(session.topics.values_list("slug", flat=True)) == ["governance"]

    def test_official_must_pick_a_unit_in_her_scope(self, client, cast, tree):
        client.force_login(cast.official_in)
        assert client.post(f"{INDEX}new/", session_form()).status_code == 200
        assert client.post(f"{INDEX}new/", session_form(org_unit=tree.other.pk)).status_code == 200
        assert not TrainingSession.objects.exists()
        assert client.post(f"{INDEX}new/", session_form(org_unit=tree.kt.pk)).status_code == 302
        assert TrainingSession.objects.get().org_unit == tree.kt

    def test_end_before_start_is_refused(self, client, cast):
        client.force_login(cast.trainer)
        response = client.post(f"{INDEX}new/", session_form(end_date="2024-05-01"))
        assert response.status_code == 200 and "Ngày kết thúc phải sau" in response.content.decode()

    def test_editing_the_end_date_moves_completions(self, client, cast, tree, sessions):
        inside = sessions[0]
        attendance_set(session=inside, present=[cast.a.person_id])
        client.force_login(cast.official_in)
        data = session_form(
            code="IN",
            title="Lớp Kiến An",
            org_unit=tree.ka.pk,
            start_date="2024-05-10",
            end_date="2024-05-12",
        )
        response = client.post(f"{INDEX}edit/{inside.pk}/", data)
        assert response.status_code == 302
        assert Completion.objects.get(session=inside).completed_on == dt.date(2024, 5, 12)

    def test_deleting_a_session_removes_its_completions(self, client, cast, sessions):
        inside = sessions[0]
        attendance_set(session=inside, present=[cast.a.person_id])
        client.force_login(cast.trainer)
        assert client.post(f"{INDEX}delete/{inside.pk}/").status_code == 302
        assert not Completion.objects.exists() and not TrainingSession.objects.filter(pk=inside.pk).exists()


class TestAttendanceScreen:
    def url(self, session):
        return f"/admin/learning/sessions/{session.pk}/attendance/"

    def test_filter_by_cooperative_and_tick(self, client, cast, tree, sessions):
        inside = sessions[0]
        AffiliationFactory(person=cast.a.person, cooperative=cast.coop_ka, role="chair")
        stranger = PersonFactory(full_name="Người ngoài HTX", org_unit=tree.ka)
        client.force_login(cast.trainer)
        page = client.get(self.url(inside), {"cooperative": cast.coop_ka.pk}).content.decode()
        assert "Nguyễn Thị A" in page and "Người ngoài HTX" not in page
        response = client.post(self.url(inside), {"shown": [cast.a.person_id], "present": [cast.a.person_id]})
        assert response.status_code == 302
        assert Completion.objects.filter(person=cast.a.person, session=inside).exists()
        assert stranger.pk not in set(Attendance.objects.values_list("person_id", flat=True))

    def test_untick_removes_the_completion(self, client, cast, sessions):
        inside = sessions[0]
        attendance_set(session=inside, present=[cast.a.person_id, cast.b.person_id])
        client.force_login(cast.trainer)
        client.post(
            self.url(inside), {"shown": [cast.a.person_id, cast.b.person_id], "present": [cast.b.person_id]}
        )
        assert set(Completion.objects.values_list("person_id", flat=True)) == {cast.b.person_id}

    def test_official_cannot_tick_people_outside_her_scope(self, client, cast, tree, sessions):
        inside = sessions[0]
        far = PersonFactory(full_name="Người Long Xuyên", org_unit=tree.other)
        client.force_login(cast.official_in)
        page = client.get(self.url(inside), {"q": "Long Xuyên"}).content.decode()
        assert "Người Long Xuyên" not in page
        client.post(
            self.url(inside), {"shown": [far.pk, cast.a.person_id], "present": [far.pk, cast.a.person_id]}
        )
        assert set(Attendance.objects.values_list("person_id", flat=True)) == {cast.a.person_id}

    def test_official_out_of_scope_cannot_open_the_session(self, client, cast, sessions):
        client.force_login(cast.official_out)
        assert client.get(self.url(sessions[0])).status_code == 404
        assert (
            client.post(
                self.url(sessions[0]), {"shown": [cast.a.person_id], "present": [cast.a.person_id]}
            ).status_code
            == 404
        )
        assert not Attendance.objects.exists()

    @pytest.mark.parametrize("n", [3, 12])
    def test_attendance_page_query_count(self, client, cast, tree, sessions, django_assert_num_queries, n):
        inside = sessions[0]
        people = [PersonFactory(org_unit=tree.ka) for _ in range(n)]
        attendance_set(session=inside, present=[p.pk for p in people])
        client.force_login(cast.trainer)
        client.get(self.url(inside))
        with django_assert_num_queries(QUERIES_ATTENDANCE):
            client.get(self.url(inside))

    @pytest.mark.parametrize("n", [2, 8])
    def test_session_index_query_count(self, client, cast, tree, django_assert_num_queries, n):
        for _ in range(n):
            TrainingSessionFactory(org_unit=tree.ka)
        client.force_login(cast.official_in)
        client.get(INDEX)
        with django_assert_num_queries(QUERIES_INDEX):
            assert client.get(INDEX).status_code == 200


QUERIES_ATTENDANCE = 14
QUERIES_INDEX = 12


@pytest.mark.parametrize("who", ["trainer", "official_in", "admin"])
def test_learning_menu_is_in_the_admin(client, cast, who):
    client.force_login(getattr(cast, who))
    page = client.get("/admin/").content.decode()  # the sidebar is JSON, text \u-escaped
    assert '"name": "learning"' in page
    for url in ("/admin/learning_sessions/", "/admin/learning/enrol/", "/admin/learning/import-attendance/"):
        assert url in page


def test_learner_gets_no_learning_admin(client, cast):
    client.force_login(cast.a)
    assert '"name": "learning"' not in client.get("/admin/", follow=True).content.decode()
