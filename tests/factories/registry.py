import factory
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
