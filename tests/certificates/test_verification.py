import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from certificates.models import Certificate
from tests.factories.certificates import issue
from tests.factories.registry import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(course):
    person = PersonFactory(full_name="Nguyễn Thị Huỳnh Như", phone="0909123456", birth_year=1985)
    return issue(person, course=course, issued_on=datetime.date(2024, 6, 15))


def test_page_says_genuine_with_name_title_and_date_only(client, certificate, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(f"/certificates/verify/{certificate.code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Giấy chứng nhận hợp lệ" in html
    for shown in ("Nguyễn Thị Huỳnh Như", certificate.title, "15/06/2024", certificate.serial):
        assert shown in html
    for private in ("0909123456", "1985", certificate.person.code):
        assert private not in html
    assert 'content="noindex' in html


def test_unknown_code_is_a_404_page_saying_not_found(client, certificate):
    response = client.get("/certificates/verify/khong-co-ma-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy giấy chứng nhận" in response.content.decode()


def test_api_verifies_without_login(client, certificate, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(
            f"/api/v1/certificates/verify/{certificate.code}/", HTTP_AUTHORIZATION="Token not-a-real-token"
        )
    assert response.status_code == 200
    assert response.json() == {
        "valid": True,
        "serial": certificate.serial,
        "holder": "Nguyễn Thị Huỳnh Như",
        "title": certificate.title,
        "issued_on": "2024-06-15",
        "revoked": False,
    }


def test_api_unknown_code_is_404(client, certificate):
    response = client.get("/api/v1/certificates/verify/" + "x" * 43 + "/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_revoke_command_then_page_and_api_say_revoked(client, certificate, capsys):
    call_command("revoke_certificate", certificate.serial, "--reason", "Cấp nhầm người")
    certificate.refresh_from_db()
    assert certificate.revoked_on == timezone.localdate()
    assert certificate.revoked_reason == "Cấp nhầm người"
    assert "Đã thu hồi" in capsys.readouterr().out
    html = client.get(f"/certificates/verify/{certificate.code}/").content.decode()
    assert "đã bị thu hồi" in html and timezone.localdate().strftime("%d/%m/%Y") in html
    assert "Cấp nhầm người" not in html
    data = client.get(f"/api/v1/certificates/verify/{certificate.code}/").json()
    assert data["valid"] is False and data["revoked"] is True


def test_revoking_twice_keeps_the_first_date_and_reason(certificate):
    call_command("revoke_certificate", certificate.serial, "--reason", "Lý do một")
    Certificate.objects.filter(pk=certificate.pk).update(revoked_on=datetime.date(2024, 7, 1))
    call_command("revoke_certificate", certificate.serial, "--reason", "Lý do hai")
    certificate.refresh_from_db()
    assert (certificate.revoked_on, certificate.revoked_reason) == (datetime.date(2024, 7, 1), "Lý do một")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NT-2099-000001", "--reason", "x"], "Không có giấy chứng nhận"),
        (["{serial}", "--reason", "  "], "lý do"),
    ],
)
def test_revoke_command_errors(certificate, args, message):
    args = [a.format(serial=certificate.serial) for a in args]
    with pytest.raises(CommandError, match=message):
        call_command("revoke_certificate", *args)
    certificate.refresh_from_db()
    assert certificate.revoked_on is None
