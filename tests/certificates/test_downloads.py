import pytest
from django.core.files.base import ContentFile

from certificates.models import Certificate
from certificates.services import certificate_revoke
from tests.factories.certificates import issue, make_session
from tests.factories.registry import (
    AffiliationFactory,
    CooperativeFactory,
    PersonFactory,
    UserFactory,
    make_tree,
)

pytestmark = pytest.mark.django_db


def rendered(certificate: Certificate) -> Certificate:
    # A stored file stands in for the PDF: these tests are about who may fetch it.
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    certificate.status = Certificate.Status.ISSUED
    certificate.save()
    return certificate


@pytest.fixture
def tree():
    return make_tree()


@pytest.fixture
def certificate(course, tree):
    _province, _district, ka, _kt = tree
    return rendered(issue(PersonFactory(org_unit=ka), course=course))


def login(client, **kwargs):
    user = UserFactory(**kwargs)
    client.force_login(user)
    return user


def download(client, certificate):
    return client.get(f"/certificates/{certificate.pk}/download/")


def test_holder_downloads_her_certificate(client, certificate):
    login(client, person=certificate.person)
    response = download(client, certificate)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{certificate.serial}.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_another_account_gets_404(client, certificate, role):
    login(client, role=role, person=PersonFactory())
    assert download(client, certificate).status_code == 404


def test_anonymous_is_sent_to_login(client, certificate):
    response = download(client, certificate)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_official_of_the_holders_unit_or_above_downloads(client, certificate, tree):
    province, district, ka, kt = tree
    for unit in (ka, district, province):
        login(client, role="official", scope=unit)
        assert download(client, certificate).status_code == 200
    login(client, role="official", scope=kt)
    assert download(client, certificate).status_code == 404


def test_official_sees_members_of_cooperatives_in_her_unit(client, course, tree):
    _province, _district, ka, kt = tree
    member = PersonFactory(org_unit=None)
    AffiliationFactory(person=member, cooperative=CooperativeFactory(org_unit=kt), role="member")
    certificate = rendered(issue(member, course=course))
    login(client, role="official", scope=kt)
    assert download(client, certificate).status_code == 200
    login(client, role="official", scope=ka)
    assert download(client, certificate).status_code == 404


def test_admin_downloads_any(client, certificate):
    login(client, role="admin")
    assert download(client, certificate).status_code == 200


def test_holder_cannot_download_once_revoked(client, certificate):
    certificate_revoke(certificate=certificate, reason="Sai thông tin")
    login(client, person=certificate.person)
    assert download(client, certificate).status_code == 404


def test_unrendered_certificate_is_404_not_500(client, course):
    certificate = issue(course=course)
    login(client, person=certificate.person)
    assert download(client, certificate).status_code == 404


def test_mine_lists_only_my_certificates(client, course):
    me = PersonFactory()
    login(client, person=me)
    mine = rendered(issue(me, course=course))
    issue(PersonFactory(), course=course)
    html = client.get("/certificates/mine/").content.decode()
    assert html.count("cert-card") == 1
    assert f"/certificates/{mine.pk}/download/" in html and mine.serial in html


@pytest.mark.parametrize("rows", [1, 5])
def test_mine_query_count_does_not_grow_with_rows(client, rows, django_assert_num_queries):
    me = PersonFactory()
    login(client, person=me)
    for _ in range(rows):
        issue(me, session=make_session())
    with django_assert_num_queries(3):  # session, account, certificates
        assert client.get("/certificates/mine/").status_code == 200


@pytest.mark.parametrize("rows", [1, 5])
def test_mine_api_query_count_does_not_grow_with_rows(client, rows, django_assert_num_queries):
    me = PersonFactory()
    login(client, person=me)
    for _ in range(rows):
        issue(me, session=make_session())
    with django_assert_num_queries(3):  # session, account, certificates
        assert len(client.get("/api/v1/certificates/mine/").json()) == rows


def test_mine_api_lists_my_certificates(client, course):
    me = PersonFactory()
    login(client, person=me)
    certificate = rendered(issue(me, course=course))
    data = client.get("/api/v1/certificates/mine/").json()
    assert [row["serial"] for row in data] == [certificate.serial]
    assert data[0]["download_url"].endswith(f"/certificates/{certificate.pk}/download/")
    assert data[0]["verify_url"] == f"https://nangtam.example.vn/certificates/verify/{certificate.code}/"
