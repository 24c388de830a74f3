from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _

REGISTRY_MODELS = ("orgunit", "cooperative", "person", "affiliation", "cadreposition")


def grant_registry_permissions(sender, **kwargs) -> None:
    """Officials keep the registry: they may view, add, change and delete its
    rows (inside their scope, which the screens enforce). Accounts stay with
    admins."""
    # Permissions are created app by app after migrating; by the time the
    # Wagtail admin's turn comes (it is installed after this app), both ours
    # and its "access admin" exist.
    if sender.label != "wagtailadmin":
        return
    from lms.registry.roles import OFFICIALS, grant

    codenames = [
        f"{action}_{model}" for model in REGISTRY_MODELS for action in ("view", "add", "change", "delete")
    ]
    grant(OFFICIALS, app_label="registry", codenames=codenames)


class RegistryConfig(AppConfig):
    name = "lms.registry"
    label = "registry"
    verbose_name = _("Sổ đăng ký")

    def ready(self) -> None:
        from lms.registry.backends import forget_user
        from lms.registry.models import User

        post_migrate.connect(grant_registry_permissions, dispatch_uid="registry_grant_permissions")
        post_save.connect(forget_user, sender=User, dispatch_uid="registry_forget_user_save")
        post_delete.connect(forget_user, sender=User, dispatch_uid="registry_forget_user_delete")
