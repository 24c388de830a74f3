"""Writes to the registry."""

from __future__ import annotations

from typing import IO

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lms.registry.importing import ImportResult, run_import
from lms.registry.imports import registry_importers
from lms.registry.models import OrgUnit, Person, User
from lms.registry.roles import account_sync_groups
from lms.registry.selectors import can_manage_registry, user_scope


def org_unit_rebuild_paths(*, root: OrgUnit) -> None:
    """Recompute the paths of every unit under ``root`` after ``root`` moved.

    Requires ``root.path`` to be current. Descendants are found by their
    parent links (their stored paths may be stale), level by level: one
    query per level, not per unit.
    """
    with transaction.atomic():
        level = [root]
        while level:
            children = list(OrgUnit.objects.filter(parent__in=level).select_related("parent"))
            by_pk = {u.pk: u for u in level}
            for child in children:
                child.path = OrgUnit.path_for(child.pk, by_pk[child.parent_id].path)
                child.depth = child.path.count(".")
            OrgUnit.objects.bulk_update(children, ["path", "depth"])
            level = children


def org_unit_refresh_paths() -> int:
    """Recompute every unit's ``path`` and ``depth`` from the parent links and
    store those that changed (after units were created or moved in bulk).

    One query to read the tree, bulk updates for what changed; returns how
    many units changed. Requires the parent links to form a tree (no cycle).
    """
    rows = list(OrgUnit.objects.values_list("pk", "parent_id", "path", "depth"))
    parents = {pk: parent_id for pk, parent_id, _path, _depth in rows}
    paths: dict[int, str] = {}
    for pk in parents:
        chain = []
        current = pk
        while current is not None and current not in paths:
            chain.append(current)
            current = parents.get(current)
        prefix = paths.get(current, "") if current is not None else ""
        for node in reversed(chain):
            prefix = OrgUnit.path_for(node, prefix)
            paths[node] = prefix
    changed = [
        OrgUnit(pk=pk, path=paths[pk], depth=paths[pk].count("."))
        for pk, _parent, path, depth in rows
        if paths[pk] != path or paths[pk].count(".") != depth
    ]
    with transaction.atomic():
        OrgUnit.objects.bulk_update(changed, ["path", "depth"], batch_size=1000)
    return len(changed)


def account_upsert(
    *,
    username: str,
    role: str,
    password: str,
    org_unit_code: str | None = None,
    person_code: str | None = None,
) -> tuple[User, bool]:
    """Create the account ``username``, or update an existing one: its role,
    password, scope and person. Returns ``(user, created)``.

    An official needs ``org_unit_code`` (her scope). For other roles the unit
    is kept only when given. ``person_code`` links the account to that
    registry person (not given: the link stays as it was). Puts the account
    in its role's group (``account_sync_groups``). Raises ``ValidationError``
    with a one-line Vietnamese message for an unknown unit or person, a
    missing unit for an official, or a person already linked to another
    account; nothing is written then.
    """
    username = (username or "").strip()
    if not username:
        raise ValidationError(_("Cần tên đăng nhập."))
    User.username_validator(username)
    if role not in User.AccountRole.values:
        raise ValidationError(
            _("Vai trò “%(role)s” không hợp lệ; chọn một trong: %(roles)s.")
            % {"role": role, "roles": ", ".join(User.AccountRole.values)}
        )
    if not password:
        raise ValidationError(_("Cần mật khẩu."))
    scope = None
    if org_unit_code:
        scope = OrgUnit.objects.filter(code=org_unit_code).first()
        if scope is None:
            raise ValidationError(_("Không có địa bàn mã “%(code)s”.") % {"code": org_unit_code})
    if role == User.AccountRole.OFFICIAL and scope is None:
        raise ValidationError(_("Tài khoản cán bộ quản lý phải có địa bàn phụ trách (--org-unit)."))
    person = None
    if person_code:
        person = Person.objects.filter(code=person_code).first()
        if person is None:
            raise ValidationError(_("Không có người mã “%(code)s” trong sổ đăng ký.") % {"code": person_code})
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username)
        if person is not None:
            other = (
                User.objects.filter(person=person)
                .exclude(pk=user.pk)
                .values_list("username", flat=True)
                .first()
            )
            if other:
                raise ValidationError(
                    _("Người mã “%(code)s” đã gắn với tài khoản “%(username)s”.")
                    % {"code": person_code, "username": other}
                )
            user.person = person
        user.role = role
        user.scope = scope
        user.set_password(password)
        user.save()
        account_sync_groups(user=user)
    return user, created


def registry_import(
    *,
    source: str | bytes | IO[bytes],
    filename: str | None = None,
    user: User | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import the registry workbook or CSV ``source`` (CONTRACT §2), all or nothing.

    ``user`` None means the operator (a management command): no scope.
    Otherwise the account must be allowed to manage the registry
    (``PermissionDenied``), and an official may only touch rows inside her
    scope. Never raises for bad input: errors are in the result.
    """
    scope = None
    if user is not None:
        if not can_manage_registry(user):
            raise PermissionDenied
        scope = user_scope(user)
    return run_import(
        source,
        importers=registry_importers(),
        filename=filename,
        user=user,
        scope=scope,
        dry_run=dry_run,
    )
