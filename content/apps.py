from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _editorial_setup(sender, **kwargs):
    from content.editorial import editorial_setup

    editorial_setup()


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = _("Nội dung")

    def ready(self):
        from content.routing import connect_tree_signals, remember_sites

        post_migrate.connect(_editorial_setup, sender=self, dispatch_uid="content-editorial-setup")
        connect_tree_signals(self)
        remember_sites()
