from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoverageConfig(AppConfig):
    name = "lms.coverage"
    label = "coverage"
    verbose_name = _("Kết quả thực hiện chỉ tiêu")
