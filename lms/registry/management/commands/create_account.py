"""python manage.py create_account USERNAME --role ROLE --password PASSWORD [--org-unit CODE] [--person CODE]"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from lms.registry.models import User
from lms.registry.services import account_upsert


class Command(BaseCommand):
    help = "Tạo tài khoản, hoặc cập nhật vai trò, mật khẩu, địa bàn và hồ sơ của tài khoản đã có."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=User.AccountRole.values)
        parser.add_argument("--password", required=True)
        parser.add_argument("--org-unit", dest="org_unit", default=None, help="Mã địa bàn phụ trách")
        parser.add_argument("--person", default=None, help="Mã người trong sổ đăng ký")

    def handle(self, *args, username, role, password, org_unit, person, **options):
        try:
            user, created = account_upsert(
                username=username,
                role=role,
                password=password,
                org_unit_code=org_unit,
                person_code=person,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(str(m) for m in exc.messages)) from None
        message = (
            _("Đã tạo tài khoản %(username)s (%(role)s).")
            if created
            else _("Đã cập nhật tài khoản %(username)s (%(role)s).")
        )
        self.stdout.write(message % {"username": user.username, "role": user.get_role_display()})
