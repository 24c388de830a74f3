from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_learning_permissions(sender, **kwargs) -> None:
    """Trainers and officials manage sessions and attendance and enrol
    learners in bulk (officials within their scope, which the screens
    enforce); they may view enrolments."""
    # Run once every app's permissions exist (the Wagtail admin comes last).
    if sender.label != "wagtailadmin":
        return
    from lms.registry.roles import OFFICIALS, TRAINERS, grant

    codenames = [
        *(
            f"{action}_{model}"
            for model in ("trainingsession", "attendance")
            for action in ("view", "add", "change", "delete")
        ),
        "view_enrollment",
        "add_enrollment",
    ]
    for group in (TRAINERS, OFFICIALS):
        grant(group, app_label="courses", codenames=codenames)


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Học tập")

    def ready(self) -> None:
        post_migrate.connect(grant_learning_permissions, dispatch_uid="courses.grant_learning_permissions")
