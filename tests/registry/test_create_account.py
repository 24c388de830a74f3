"""python manage.py create_account (CONTRACT §1)."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command, execute_from_command_line
from django.test import RequestFactory

from lms.registry.models import User
from lms.registry.roles import OFFICIALS, TRAINERS
from tests.factories.registry import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def create(*args) -> str:
    out = io.StringIO()
    call_command("create_account", *args, stdout=out)
    return out.getvalue()


def groups(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_official_gets_her_scope_and_group(tree):
    province, district, ka, kt = tree
    output = create("lan", "--role", "official", "--password", "Mat-khau-2024!", "--org-unit", "CM")
    user = User.objects.get(username="lan")
    assert (user.role, user.scope, user.is_staff, user.is_superuser) == ("official", district, True, False)
    assert groups(user) == {OFFICIALS}
    assert (
        authenticate(RequestFactory().post("/accounts/login/"), username="lan", password="Mat-khau-2024!")
        == user
    )
    assert "lan" in output


def test_learner_may_be_a_registry_person(tree):
    person = PersonFactory(code="P-77")
    create("hoa", "--role", "learner", "--password", "pw-hoa-1", "--person", "P-77")
    user = User.objects.get(username="hoa")
    assert (user.person, user.is_staff, groups(user)) == (person, False, set())


def test_admin_is_a_superuser(db):
    create("root", "--role", "admin", "--password", "pw-admin-1")
    user = User.objects.get(username="root")
    assert user.is_superuser and user.is_staff


def test_running_again_updates_role_password_and_links(tree):
    province, district, ka, kt = tree
    person = PersonFactory(code="P-1")
    create("mai", "--role", "trainer", "--password", "old-password-1")
    assert groups(User.objects.get(username="mai")) == {TRAINERS}
    create(
        "mai", "--role", "official", "--password", "new-password-2", "--org-unit", "CM-KA", "--person", "P-1"
    )
    user = User.objects.get(username="mai")
    assert User.objects.filter(username="mai").count() == 1
    assert (user.role, user.scope, user.person) == ("official", ka, person)
    assert groups(user) == {OFFICIALS}
    assert (
        authenticate(RequestFactory().post("/accounts/login/"), username="mai", password="new-password-2")
        == user
    )
    assert (
        authenticate(RequestFactory().post("/accounts/login/"), username="mai", password="old-password-1")
        is None
    )
    create("mai", "--role", "learner", "--password", "new-password-2")
    user.refresh_from_db()
    assert (user.role, user.scope, user.person, user.is_staff) == ("learner", None, person, False)
    assert groups(user) == set()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "official", "--password", "pw-123456"], "--org-unit"),
        (["--role", "official", "--password", "pw-123456", "--org-unit", "NOPE"], "NOPE"),
        (["--role", "learner", "--password", "pw-123456", "--person", "NOPE"], "NOPE"),
    ],
    ids=["official-without-unit", "unknown-unit", "unknown-person"],
)
def test_bad_arguments_fail_with_one_line_and_write_nothing(tree, args, message):
    with pytest.raises(CommandError) as error:
        create("ai", *args)
    text = str(error.value)
    assert message in text and "\n" not in text
    assert not User.objects.filter(username="ai").exists()


def test_a_person_already_linked_to_another_account_is_refused(tree):
    person = PersonFactory(code="P-1")
    UserFactory(username="first", person=person)
    with pytest.raises(CommandError, match="first"):
        create("second", "--role", "learner", "--password", "pw-123456", "--person", "P-1")


def test_exit_status_is_1_with_a_vietnamese_line_and_no_traceback(tree, capsys):
    argv = [
        "manage.py",
        "create_account",
        "x",
        "--role",
        "official",
        "--password",
        "pw-123456",
        "--org-unit",
        "NOPE",
    ]
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(argv)
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "Không có địa bàn mã “NOPE”" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
