import csv
import io
import unicodedata

import factory
import openpyxl
from django.contrib.auth import get_user_model

from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person

DEFAULT_PASSWORD = "Mat-khau-2024!"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U{n:04d}")
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    level = OrgUnit.Level.COMMUNE
    parent = None


class CooperativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cooperative

    code = factory.Sequence(lambda n: f"HTX{n:04d}")
    name = factory.Sequence(lambda n: f"HTX Nông nghiệp {n}")
    kind = Cooperative.Kind.HTX
    org_unit = factory.SubFactory(OrgUnitFactory)
    women_led = True


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    code = factory.Sequence(lambda n: f"P{n:05d}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Thị {n}")
    gender = Person.Gender.FEMALE
    birth_year = 1980
    org_unit = factory.SubFactory(OrgUnitFactory)


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    cooperative = factory.SubFactory(CooperativeFactory)
    role = "chair"


class CadrePositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CadrePosition

    person = factory.SubFactory(PersonFactory)
    org_unit = factory.SubFactory(OrgUnitFactory)
    position = "Chủ tịch Hội LHPN xã"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = "learner"
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def sync_groups(obj, create, extracted, **kwargs):
        if create:
            from lms.registry.roles import account_sync_groups

            obj.save()
            account_sync_groups(user=obj)


def make_tree():
    """Province > district > two communes, as in the demo."""
    province = OrgUnitFactory(code="AG", name="Tỉnh An Giang", level="province")
    district = OrgUnitFactory(code="CM", name="Huyện Chợ Mới", level="district", parent=province)
    ka = OrgUnitFactory(code="CM-KA", name="Xã Kiến An", level="commune", parent=district)
    kt = OrgUnitFactory(code="CM-KT", name="Xã Kiến Thành", level="commune", parent=district)
    return province, district, ka, kt


def official(unit, username: str | None = None):
    """An official account scoped to ``unit``."""
    kwargs = {"role": "official", "scope": unit}
    if username:
        kwargs["username"] = username
    return UserFactory(**kwargs)


def make_workbook(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx file in memory: sheet name -> rows (the first row is the header).

    Cells may be str, numbers, bools or dates (written as real Excel dates).
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def make_csv(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """A CSV file's bytes (``encoding`` "utf-8-sig" adds the byte-order mark;
    "cp1258" writes Windows-1258 as Vietnamese Excel does)."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(row)
    if encoding == "cp1258":
        return _encode_cp1258(text.getvalue())
    return text.getvalue().encode(encoding)


def _encode_cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Excel writes it: letters with a hat, breve or
    horn are single bytes, tone marks are separate combining bytes."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        shape = "".join(m for m in decomposed[1:] if m in "\u0302\u0306\u031b")  # hat, breve, horn
        tones = "".join(m for m in decomposed[1:] if m not in shape)
        out += unicodedata.normalize("NFC", decomposed[0] + shape).encode("cp1258") + tones.encode("cp1258")
    return bytes(out)
