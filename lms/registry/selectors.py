"""Reads of the registry, and the one place where an official's scope is applied."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from lms.registry.models import OrgUnit, User


def user_scope(user: User) -> OrgUnit | None:
    """The unit an account may see, or None when it sees everything.

    Admins (and superusers) see everything; an official sees her unit and
    below. Other roles have no registry scope: callers refuse them.
    """
    if user.is_admin_role:
        return None
    if user.is_official and user.scope_id:
        return user.scope
    raise PermissionDenied


def can_manage_registry(user: User) -> bool:
    return user.is_authenticated and (user.is_admin_role or (user.is_official and user.scope_id))


def filter_in_scope(queryset: QuerySet, *, user: User, unit_field: str) -> QuerySet:
    """Restrict ``queryset`` to rows whose ``unit_field`` (a path to an OrgUnit
    foreign key, e.g. ``"cooperative__org_unit"``) lies in the user's scope."""
    scope = user_scope(user)
    if scope is None:
        return queryset
    return queryset.filter(**{f"{unit_field}__path__startswith": scope.path})


def org_unit_in_scope(*, user: User, unit: OrgUnit) -> bool:
    scope = user_scope(user)
    return scope is None or unit.path.startswith(scope.path)


def org_unit_descendants(*, unit: OrgUnit, include_self: bool = True) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)
