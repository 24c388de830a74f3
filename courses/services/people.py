"""Accounts and registry people: every completion is on a ``Person``."""

from __future__ import annotations

from django.db import transaction

from lms.registry.models import Person, User

PERSON_CODE_PREFIX = "ACC-"
_CODE_MAX = Person._meta.get_field("code").max_length


def person_for_user(*, user: User) -> Person:
    """The registry person of ``user``, created on first need.

    An account with no linked person gets one: code ``ACC-<username>``, full
    name from the account (or the username), gender X, no unit, so that her
    online completions are recorded on a person (she then belongs to no
    coverage population until an official links or merges her). Locks the
    account row so that two first requests create one person, not two.
    """
    if user.person_id:
        return user.person
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.person_id is None:
            locked.person = _new_person_for(locked)
            locked.save(update_fields=["person"])
        user.person = locked.person
        return locked.person


def _new_person_for(user: User) -> Person:
    base = f"{PERSON_CODE_PREFIX}{user.username}"[:_CODE_MAX]
    code, n = base, 1
    while True:
        existing = Person.objects.filter(code=code).select_related("account").first()
        if existing is None:
            return Person.objects.create(
                code=code,
                full_name=(user.get_full_name() or user.username)[:255],
                gender=Person.Gender.OTHER,
            )
        if not hasattr(existing, "account"):
            # A person made for an account that was since unlinked: reuse it.
            return existing
        n += 1
        suffix = f"-{n}"
        code = f"{base[: _CODE_MAX - len(suffix)]}{suffix}"
