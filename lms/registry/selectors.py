"""Reads of the registry, and the one place where an official's scope is applied."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet

from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person, User


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
    foreign key, e.g. ``"cooperative__org_unit"``; ``""`` for a queryset of
    units) lies in the user's scope."""
    scope = user_scope(user)
    if scope is None:
        return queryset
    prefix = f"{unit_field}__" if unit_field else ""
    return queryset.filter(**{f"{prefix}path__startswith": scope.path})


def org_unit_in_scope(*, user: User, unit: OrgUnit) -> bool:
    scope = user_scope(user)
    return scope is None or unit.path.startswith(scope.path)


def org_unit_descendants(*, unit: OrgUnit, include_self: bool = True) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def org_units_visible_to(*, user: User) -> QuerySet[OrgUnit]:
    """Units the account may see (raises PermissionDenied for learners and trainers)."""
    return filter_in_scope(OrgUnit.objects.select_related("parent"), user=user, unit_field="")


def cooperatives_visible_to(*, user: User) -> QuerySet[Cooperative]:
    return filter_in_scope(Cooperative.objects.select_related("org_unit"), user=user, unit_field="org_unit")


def people_visible_to(*, user: User) -> QuerySet[Person]:
    """People whose unit lies in the account's scope (people without a unit: admins only)."""
    return filter_in_scope(Person.objects.select_related("org_unit"), user=user, unit_field="org_unit")


def affiliations_visible_to(*, user: User) -> QuerySet[Affiliation]:
    """Roles in the cooperatives of the account's scope."""
    return filter_in_scope(
        Affiliation.objects.select_related("person", "cooperative"),
        user=user,
        unit_field="cooperative__org_unit",
    )


def cadres_visible_to(*, user: User) -> QuerySet[CadrePosition]:
    return filter_in_scope(
        CadrePosition.objects.select_related("person", "org_unit"), user=user, unit_field="org_unit"
    )


def people_with_affiliations(*, user: User) -> QuerySet[Person]:
    """``people_visible_to`` with each person's roles in cooperatives of the
    scope prefetched (``person.visible_affiliations``): three queries for a page."""
    roles = affiliations_visible_to(user=user).select_related("cooperative").order_by("start_date", "pk")
    return people_visible_to(user=user).prefetch_related(
        Prefetch("affiliations", queryset=roles, to_attr="visible_affiliations")
    )


def units_within(queryset: QuerySet, *, unit: OrgUnit, unit_field: str) -> QuerySet:
    """Rows of ``queryset`` whose ``unit_field`` is ``unit`` or below it."""
    prefix = f"{unit_field}__" if unit_field else ""
    return queryset.filter(**{f"{prefix}path__startswith": unit.path})
