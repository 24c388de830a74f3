"""Signing in with a username and password, and finding the signed-in
account on every request after.

``ModelBackend`` is Django's, with one difference: with a cache that every
process shares (``CACHE_IS_SHARED``), the account a session points to is
read from the cache rather than from the database, which every page view
asked for it. The cache holds the row as it was read, under the account's
id; any save or delete of the account forgets it at once and again when the
transaction commits (a request between the two may have read the old row),
and entries expire after ``USER_SECONDS`` besides, a bound on a change made
without a save (a raw update). A password change or a deactivation therefore
signs the account out on the next request, as with Django's own backend:
the session's check against the password and ``is_active`` are unchanged.

With a cache in each process's own memory, another process could not
forget an entry, so the account is read from the database as Django does.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import backends
from django.core.cache import cache
from django.db import transaction

USER_SECONDS = 5 * 60


def user_key(user_id) -> str:
    return f"auth:user:{user_id}"


class ModelBackend(backends.ModelBackend):
    def get_user(self, user_id):
        if not settings.CACHE_IS_SHARED:
            return super().get_user(user_id)
        key = user_key(user_id)
        user = cache.get(key)
        if user is None:
            # None when there is no such account or it may not sign in.
            user = super().get_user(user_id)
            if user is not None:
                cache.set(key, user, USER_SECONDS)
        return user


def forget_user(sender, instance, **kwargs) -> None:
    """Connected to the account model's ``post_save`` and ``post_delete``."""
    key = user_key(instance.pk)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
