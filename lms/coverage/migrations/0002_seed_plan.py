"""Seed the plan cho-moi-2024 and its six indicators (CONTRACT §4).

The plan's root is the district with code "CM" when it exists; when the demo
is loaded after migrating, ``lms.coverage.apps`` attaches it then.
"""

import datetime
from decimal import Decimal

from django.db import migrations

PLAN_CODE = "cho-moi-2024"
ROOT_CODE = "CM"
MANAGERS = ["chair", "board_member", "director", "supervisor", "accountant", "group_leader"]

INDICATORS = [
    {
        "code": "managers_trained",
        "name": "Nữ quản lý HTX, THT được bồi dưỡng về quản trị, điều hành",
        "kind": "percent",
        "target": Decimal(100),
        "population_who": "women",
        "population_source": "affiliations",
        "roles": MANAGERS,
        "cooperative_kinds": [],
        "women_led_only": True,
        "evidence": "completed",
        "topics": ["governance", "accounting"],
    },
    {
        "code": "managers_certified",
        "name": "Nữ quản lý HTX, THT được cấp giấy chứng nhận về quản trị, chuyên môn hoặc công nghệ",
        "kind": "percent",
        "target": Decimal(30),
        "population_who": "women",
        "population_source": "affiliations",
        "roles": MANAGERS,
        "cooperative_kinds": [],
        "women_led_only": True,
        "evidence": "certified",
        "topics": ["governance", "accounting", "ecommerce", "technology"],
    },
    {
        "code": "members_digital",
        "name": "Nữ thành viên, người lao động HTX được tập huấn chuyển giao công nghệ, thương mại điện tử",
        "kind": "percent",
        "target": Decimal(50),
        "population_who": "women",
        "population_source": "affiliations",
        "roles": [],
        "cooperative_kinds": ["HTX"],
        "women_led_only": True,
        "evidence": "completed",
        "topics": ["ecommerce", "technology"],
    },
    {
        "code": "coop_staff_trained",
        "name": "Cán bộ Hội làm công tác hỗ trợ phát triển HTX, THT được tập huấn",
        "kind": "percent",
        "target": Decimal(100),
        "population_who": "everyone",
        "population_source": "cadres",
        "supports_cooperatives_only": True,
        "evidence": "completed",
        "topics": ["coop_development"],
    },
    {
        "code": "cadres_advocacy",
        "name": "Cán bộ Hội các cấp được nâng cao kỹ năng tuyên truyền, vận động",
        "kind": "percent",
        "target": Decimal(80),
        "population_who": "everyone",
        "population_source": "cadres",
        "evidence": "completed",
        "topics": ["advocacy"],
    },
    {
        "code": "stable_jobs",
        "name": "Phụ nữ có việc làm ổn định trong HTX, THT",
        "kind": "count",
        "target": Decimal(267),
        "population_who": "women",
        "population_source": "affiliations",
        "roles": [],
        "cooperative_kinds": [],
        "women_led_only": True,
        "stable_job_only": True,
        "evidence": "none",
        "topics": [],
    },
]


def seed(apps, schema_editor):
    Plan = apps.get_model("coverage", "Plan")
    Indicator = apps.get_model("coverage", "Indicator")
    OrgUnit = apps.get_model("registry", "OrgUnit")
    Topic = apps.get_model("content", "Topic")
    if Plan.objects.filter(code=PLAN_CODE).exists():
        return
    plan = Plan.objects.create(
        code=PLAN_CODE,
        name="Kế hoạch hỗ trợ HTX, THT do phụ nữ tham gia quản lý tạo việc làm cho lao động nữ – Chợ Mới 2024",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 12, 31),
        root=OrgUnit.objects.filter(code=ROOT_CODE).first(),
        description="Kế hoạch số 1369/KH-UBND ngày 02/07/2024 của UBND huyện Chợ Mới.",
    )
    for position, spec in enumerate(INDICATORS):
        spec = dict(spec)
        topics = spec.pop("topics")
        indicator = Indicator.objects.create(plan=plan, sort_order=position, **spec)
        # The through table directly: a parental many-to-many field of a
        # historical model only writes on a cluster save.
        Through = Indicator.evidence_topics.through
        Through.objects.bulk_create(
            [Through(indicator_id=indicator.pk, topic_id=t.pk) for t in Topic.objects.filter(slug__in=topics)]
        )


def unseed(apps, schema_editor):
    apps.get_model("coverage", "Plan").objects.filter(code=PLAN_CODE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0001_initial"),
        ("content", "0002_topics_and_site"),
        ("registry", "0001_initial"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
