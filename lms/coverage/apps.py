from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def grant_official_permissions(sender, **kwargs):
    """Officials manage plans and indicators (scoped in the admin views)."""
    # Run once every app's permissions exist (the Wagtail admin comes last).
    if sender.label != "wagtailadmin":
        return
    from lms.registry.roles import OFFICIALS, grant

    grant(
        OFFICIALS,
        app_label="coverage",
        codenames=[
            "add_plan",
            "change_plan",
            "view_plan",
            "add_indicator",
            "change_indicator",
            "delete_indicator",
            "view_indicator",
            "view_snapshot",
        ],
    )
    from lms.coverage.services import plan_attach_seeded_root

    plan_attach_seeded_root()


def attach_seeded_root(sender, instance, created, **kwargs):
    """The seeded plan's district may be loaded after the migration ran
    (the demo): give the plan its root as soon as the unit exists."""
    from lms.coverage.services import SEEDED_ROOT_CODE, plan_attach_seeded_root

    if instance.code == SEEDED_ROOT_CODE:
        plan_attach_seeded_root(unit=instance)


class CoverageConfig(AppConfig):
    name = "lms.coverage"
    label = "coverage"
    verbose_name = _("Kết quả thực hiện chỉ tiêu")

    def ready(self):
        from lms.registry.models import OrgUnit

        post_migrate.connect(grant_official_permissions, dispatch_uid="coverage_grant_permissions")
        post_save.connect(attach_seeded_root, sender=OrgUnit, dispatch_uid="coverage_attach_seeded_root")
