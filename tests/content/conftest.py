import pytest
from wagtail import hooks

from content.models import LEARNING_CONTEXT_HOOK


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Uploaded images, documents and renditions go to a temporary folder;
    test accounts get a fast password hash."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def no_learning_hooks(monkeypatch):
    """Content pages alone, without the hooks other apps register."""
    hooks.search_for_hooks()
    monkeypatch.setitem(hooks._hooks, LEARNING_CONTEXT_HOOK, [])
