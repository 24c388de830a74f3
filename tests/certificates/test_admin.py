import io

import pytest
from django.core.files.base import ContentFile
from openpyxl import load_workbook

from certificates.models import BulkIssue, Certificate, CertificateTemplate
from tests.factories.certificates import issue, make_completion, make_session
from tests.factories.registry import PersonFactory, UserFactory, make_tree

pytestmark = pytest.mark.django_db
LIST = "/admin/certificate/"
QUERIES_PER_LISTING = 11  # session, account, permissions, count, page of rows...


@pytest.fixture(autouse=True)
def _no_rendering(monkeypatch):
    monkeypatch.setattr("certificates.services._enqueue_render", lambda pk: None)


@pytest.fixture
def tree():
    return make_tree()


def login(client, **kwargs):
    user = UserFactory(**kwargs)
    client.force_login(user)
    return user


def test_official_lists_and_exports_only_her_scope(client, course, tree):
    _province, _district, ka, kt = tree
    mine = [
        issue(PersonFactory(org_unit=ka, full_name=f"Người Kiến An {n}"), course=course) for n in range(2)
    ]
    issue(PersonFactory(org_unit=kt, full_name="Người Kiến Thành"), course=course)
    login(client, role="official", scope=ka)
    html = client.get(LIST).content.decode()
    assert "Người Kiến An 0" in html and "Người Kiến Thành" not in html
    response = client.get(LIST + "?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("Số hiệu", "Họ và tên", "Mã người", "Khóa học / lớp tập huấn")
    assert sorted(r[1] for r in rows[1:]) == ["Người Kiến An 0", "Người Kiến An 1"]
    assert {r[0] for r in rows[1:]} == {c.serial for c in mine}


def test_official_cannot_inspect_outside_scope_or_issue(client, course, tree):
    _province, _district, ka, kt = tree
    outside = issue(PersonFactory(org_unit=kt), course=course)
    login(client, role="official", scope=ka)
    assert client.get(f"{LIST}inspect/{outside.pk}/").status_code == 404
    assert client.get(f"{LIST}new/").status_code in (302, 403)
    assert client.get(f"{LIST}revoke/{outside.pk}/").status_code in (302, 403)


@pytest.mark.parametrize("rows", [2, 8])
def test_listing_query_count_does_not_grow_with_rows(client, tree, rows, django_assert_num_queries):
    _province, _district, ka, _kt = tree
    for _ in range(rows):
        issue(PersonFactory(org_unit=ka), session=make_session())
    login(client, role="official", scope=ka)
    client.get(LIST)  # first visit fills per-session caches
    with django_assert_num_queries(QUERIES_PER_LISTING):
        assert client.get(LIST).status_code == 200


def test_nothing_can_be_edited_or_deleted(client, course):
    certificate = issue(course=course)
    login(client, role="admin")
    assert client.get(f"{LIST}edit/{certificate.pk}/").status_code == 404
    assert client.post(f"{LIST}delete/{certificate.pk}/").status_code == 404
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_trainer_issues_by_hand(client, course):
    person = PersonFactory(full_name="Võ Thị Lan")
    make_completion(person, course=course)
    login(client, role="trainer")
    response = client.post(f"{LIST}new/", {"person_code": person.code, "course": course.pk})
    certificate = Certificate.objects.get(person=person)
    assert response.status_code == 302 and response["Location"].endswith(f"inspect/{certificate.pk}/")


def test_issue_form_errors_are_shown_not_raised(client, course):
    login(client, role="admin")
    person = PersonFactory(full_name="Chưa Học Xong")
    for data, message in [
        ({"person_code": "KHONG-CO", "course": course.pk}, "Không có người với mã KHONG-CO"),
        ({"person_code": person.code}, "Chọn một khóa học hoặc một lớp tập huấn"),
        ({"person_code": person.code, "course": course.pk}, "Chưa Học Xong chưa hoàn thành"),
    ]:
        response = client.post(f"{LIST}new/", data)
        assert response.status_code == 200 and message in response.content.decode()
    assert not Certificate.objects.exists()


def test_admin_revokes_with_a_reason(client, course):
    certificate = issue(course=course)
    login(client, role="admin")
    assert client.post(f"{LIST}revoke/{certificate.pk}/", {"reason": ""}).status_code == 200
    response = client.post(f"{LIST}revoke/{certificate.pk}/", {"reason": "Trùng hồ sơ"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked and certificate.revoked_reason == "Trùng hồ sơ"


def test_admin_download_and_inspect(client, course):
    certificate = issue(course=course)
    certificate.pdf.save("x.pdf", ContentFile(b"%PDF-1.7"), save=False)
    certificate.status = Certificate.Status.ISSUED
    certificate.save()
    login(client, role="admin")
    assert certificate.serial in client.get(f"{LIST}inspect/{certificate.pk}/").content.decode()
    assert client.get(f"{LIST}download/{certificate.pk}/").status_code == 200


def test_bulk_issue_from_the_admin_shows_progress(client, django_capture_on_commit_callbacks):
    session = make_session("Lớp OCOP")
    for _ in range(2):
        make_completion(PersonFactory(), session=session, completed_on=session.end_date)
    login(client, role="admin")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/bulkissue/new/", {"session": session.pk})
    assert response.status_code == 302
    job = BulkIssue.objects.get()
    assert (job.status, job.done, job.total) == (BulkIssue.Status.DONE, 2, 2)
    html = client.get("/admin/bulkissue/").content.decode()
    assert "Lớp OCOP" in html and "2/2" in html


def test_template_preview_is_a_real_pdf(client):
    template = CertificateTemplate.objects.get(is_default=True)
    login(client, role="admin")
    response = client.get(f"/admin/snippets/certificates/certificatetemplate/preview-pdf/{template.pk}/")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_template_with_an_unknown_placeholder_is_refused(client):
    template = CertificateTemplate(name="Sai", organisation="Hội", body="Chứng nhận {ho_ten}")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="ho_ten"):
        template.full_clean()


def test_admin_renders_again_a_failed_certificate(
    client, course, monkeypatch, django_capture_on_commit_callbacks
):
    from certificates import services

    monkeypatch.setattr(
        services, "_enqueue_render", lambda pk: services.certificate_render(certificate_id=pk)
    )
    certificate = issue(course=course)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.FAILED, error="OSError: hết chỗ"
    )
    login(client, role="admin")
    assert "hết chỗ" in client.get(f"{LIST}inspect/{certificate.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{LIST}rerender/{certificate.pk}/")
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED and certificate.error == ""


def test_a_second_default_template_is_refused_with_a_clear_message():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Đã có một mẫu mặc định"):
        CertificateTemplate(name="Mẫu hai", organisation="Hội LHPN", is_default=True).full_clean()
