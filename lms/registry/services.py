"""Writes to the registry."""

from __future__ import annotations

from django.db import transaction

from lms.registry.models import OrgUnit


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
