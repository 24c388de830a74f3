from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def grant_certificate_permissions(sender, **kwargs) -> None:
    """Officials see and export the certificates in their scope; trainers
    issue certificates (one by one or in bulk) and see them. Revoking,
    templates and everything else stay with admins."""
    # Run once every app's permissions exist (the Wagtail admin comes last).
    if sender.label != "wagtailadmin":
        return
    from lms.registry.roles import OFFICIALS, TRAINERS, grant

    grant(OFFICIALS, app_label="certificates", codenames=["view_certificate"])
    grant(
        TRAINERS,
        app_label="certificates",
        codenames=["view_certificate", "add_certificate", "view_bulkissue", "add_bulkissue"],
    )


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Giấy chứng nhận")

    def ready(self) -> None:
        from certificates.receivers import on_course_completed
        from courses.signals import course_completed

        course_completed.connect(on_course_completed, dispatch_uid="certificates.issue_on_completion")
        post_migrate.connect(grant_certificate_permissions, dispatch_uid="certificates.grant_permissions")
