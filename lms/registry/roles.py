"""Account roles and the Wagtail admin groups that carry their permissions.

Each app grants its own permissions to these groups (in a ``post_migrate``
handler of its AppConfig, through ``role_group``), so that a new app never
edits this file. ``account_sync_groups`` puts an account in its role's group.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

from lms.registry.models import User

TRAINERS = "Giảng viên"
REVIEWERS = "Người duyệt nội dung"
OFFICIALS = "Cán bộ quản lý"

ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    User.AccountRole.LEARNER: (),
    User.AccountRole.TRAINER: (TRAINERS,),
    User.AccountRole.OFFICIAL: (OFFICIALS,),
    User.AccountRole.ADMIN: (),  # admins are superusers
}


def role_group(name: str) -> Group:
    """The group ``name``, created with access to the Wagtail admin."""
    group, _ = Group.objects.get_or_create(name=name)
    access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if access is not None:
        group.permissions.add(access)
    return group


def grant(group_name: str, *, app_label: str, codenames: list[str]) -> None:
    """Give ``group_name`` these model permissions of ``app_label``."""
    group = role_group(group_name)
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*perms)


def account_sync_groups(*, user: User) -> None:
    """Make ``user``'s groups and staff flags match its role."""
    wanted = {role_group(name) for name in ROLE_GROUPS.get(user.role, ())}
    managed = Group.objects.filter(name__in=[TRAINERS, OFFICIALS])
    user.groups.remove(*[g for g in managed if g not in wanted])
    user.groups.add(*wanted)
    is_admin = user.role == User.AccountRole.ADMIN
    user.is_superuser = is_admin
    user.is_staff = user.role != User.AccountRole.LEARNER
    user.save(update_fields=["is_superuser", "is_staff"])
