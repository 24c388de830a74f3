"""The demo registry: Chợ Mới district (An Giang) as it stood before the 2025
reorganisation, with plausible cooperatives, people and Union cadres.

Generated deterministically (a fixed random seed) and written by code, so
loading it twice changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person, Role

PROVINCE = ("AG", "Tỉnh An Giang")
DISTRICT = ("CM", "Huyện Chợ Mới")
# (code, name, short name used in cooperative names)
COMMUNES = [
    ("CM-TTCM", "Thị trấn Chợ Mới", "Chợ Mới"),
    ("CM-TTML", "Thị trấn Mỹ Luông", "Mỹ Luông"),
    ("CM-KA", "Xã Kiến An", "Kiến An"),
    ("CM-KT", "Xã Kiến Thành", "Kiến Thành"),
    ("CM-MHD", "Xã Mỹ Hội Đông", "Mỹ Hội Đông"),
    ("CM-NM", "Xã Nhơn Mỹ", "Nhơn Mỹ"),
    ("CM-LG", "Xã Long Giang", "Long Giang"),
    ("CM-LDA", "Xã Long Điền A", "Long Điền A"),
    ("CM-LDB", "Xã Long Điền B", "Long Điền B"),
    ("CM-TM", "Xã Tấn Mỹ", "Tấn Mỹ"),
    ("CM-MH", "Xã Mỹ Hiệp", "Mỹ Hiệp"),
    ("CM-BPX", "Xã Bình Phước Xuân", "Bình Phước Xuân"),
    ("CM-LK", "Xã Long Kiến", "Long Kiến"),
    ("CM-ATT", "Xã An Thạnh Trung", "An Thạnh Trung"),
    ("CM-HA", "Xã Hội An", "Hội An"),
    ("CM-HB", "Xã Hòa Bình", "Hòa Bình"),
    ("CM-HAN", "Xã Hòa An", "Hòa An"),
    ("CM-MA", "Xã Mỹ An", "Mỹ An"),
]

# (kind, name pattern, sector)
COOPERATIVE_TYPES = [
    ("HTX", "HTX Nông nghiệp {place}", "Lúa gạo"),
    ("HTX", "HTX Xoài {place}", "Cây ăn trái (xoài)"),
    ("HTX", "HTX Nhãn {place}", "Cây ăn trái (nhãn)"),
    ("HTX", "HTX Dịch vụ nông nghiệp {place}", "Dịch vụ nông nghiệp, lúa gạo"),
    ("HTX", "HTX Thủy sản {place}", "Nuôi cá tra, cá lóc"),
    ("HTX", "HTX Bánh phồng {place}", "Sản phẩm OCOP (bánh phồng)"),
    ("THT", "THT Đan đát lục bình {place}", "Thủ công mỹ nghệ (lục bình)"),
    ("THT", "THT Chăn nuôi bò {place}", "Chăn nuôi"),
    ("THT", "THT Trồng rau an toàn {place}", "Rau màu"),
    ("THT", "THT May gia công {place}", "May gia công"),
    ("HTX", "HTX Rau màu {place}", "Rau màu"),
]

SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Châu",
    "Phan",
]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Ngọc", "Thị Kim", "Thị Mỹ", "Thị Thu", "Thị Bích", "Thị Huỳnh"]
FEMALE_GIVEN = [
    "Lan",
    "Hoa",
    "Hồng",
    "Mai",
    "Cúc",
    "Thảo",
    "Hạnh",
    "Phượng",
    "Loan",
    "Tuyết",
    "Nga",
    "Diễm",
    "Trinh",
    "Ngân",
    "Thủy",
    "Yến",
    "Hương",
    "Liên",
    "Nhung",
    "Thắm",
    "Đào",
    "Xuân",
    "Bé",
    "Út",
    "Như",
    "Vân",
    "Trang",
    "Kiều",
    "Oanh",
    "Dung",
]
MALE_MIDDLE = ["Văn", "Văn", "Hữu", "Minh", "Thanh", "Công"]
MALE_GIVEN = ["Hùng", "Dũng", "Tâm", "Phúc", "Lộc", "Tài", "Bình", "Sơn", "Hải", "Tuấn", "Nam", "Quang"]

CADRE_POSITIONS_COMMUNE = [
    ("Chủ tịch Hội LHPN xã", True),
    ("Phó Chủ tịch Hội LHPN xã", True),
    ("Cán bộ phụ trách kinh tế tập thể", True),
    ("Chi hội trưởng phụ nữ ấp", False),
]
CADRE_POSITIONS_DISTRICT = [
    ("Chủ tịch Hội LHPN huyện", False),
    ("Phó Chủ tịch Hội LHPN huyện", True),
    ("Phó Chủ tịch Hội LHPN huyện", False),
    ("Trưởng Ban Kinh tế Hội LHPN huyện", True),
    ("Cán bộ Ban Kinh tế", True),
    ("Cán bộ Ban Tuyên giáo", False),
    ("Cán bộ Ban Tổ chức – Kiểm tra", False),
    ("Cán bộ Văn phòng Hội", False),
]


@dataclass
class DemoSummary:
    units: int
    cooperatives: int
    people: int
    affiliations: int
    cadres: int


def _name(rng: random.Random, gender: str) -> str:
    if gender == "F":
        return f"{rng.choice(SURNAMES)} {rng.choice(FEMALE_MIDDLE)} {rng.choice(FEMALE_GIVEN)}"
    return f"{rng.choice(SURNAMES)} {rng.choice(MALE_MIDDLE)} {rng.choice(MALE_GIVEN)}"


def _phone(rng: random.Random) -> str:
    return f"0{rng.choice(['90', '91', '93', '94', '97', '98', '35', '37', '39', '77', '79'])}{rng.randrange(10**7):07d}"


def _upsert_unit(code: str, name: str, level: str, parent: OrgUnit | None) -> OrgUnit:
    unit, _ = OrgUnit.objects.update_or_create(
        code=code, defaults={"name": name, "level": level, "parent": parent}
    )
    return unit


@transaction.atomic
def load_demo_registry() -> DemoSummary:
    """Create or refresh the demo units, cooperatives, people, roles and cadres.

    Every record has a fixed code, so a second run updates nothing.
    """
    rng = random.Random(1369)  # noqa: S311 - demo data, not secrets; seeded so every load is the same
    province = _upsert_unit(*PROVINCE, OrgUnit.Level.PROVINCE, None)
    district = _upsert_unit(*DISTRICT, OrgUnit.Level.DISTRICT, province)
    communes = {code: _upsert_unit(code, name, OrgUnit.Level.COMMUNE, district) for code, name, _ in COMMUNES}
    short = {code: place for code, _, place in COMMUNES}

    coop_rows: list[dict] = []
    people_rows: dict[str, dict] = {}
    affiliation_rows: list[dict] = []
    cadre_rows: list[dict] = []

    # About two cooperatives or groups per commune, 40 in all.
    commune_codes = [code for code, _, _ in COMMUNES]
    plan = commune_codes * 2 + rng.sample(commune_codes, 4)
    used_names: set[str] = set()
    for n, commune_code in enumerate(plan, start=1):
        kind, pattern, sector = rng.choice(COOPERATIVE_TYPES)
        name = pattern.format(place=short[commune_code])
        while name in used_names:
            kind, pattern, sector = rng.choice(COOPERATIVE_TYPES)
            name = pattern.format(place=short[commune_code])
        used_names.add(name)
        coop_rows.append(
            {
                "code": f"{kind}-{n:03d}",
                "name": name,
                "kind": kind,
                "org_unit": communes[commune_code],
                "women_led": rng.random() < 0.85,
                "established": date(rng.randrange(2008, 2024), rng.randrange(1, 13), rng.randrange(1, 28)),
                "sector": sector,
            }
        )

    person_seq = 0

    def new_person(unit_code: str, gender: str) -> str:
        nonlocal person_seq
        person_seq += 1
        code = f"CM-P{person_seq:04d}"
        people_rows[code] = {
            "code": code,
            "full_name": _name(rng, gender),
            "gender": gender,
            "birth_year": rng.randrange(1965, 2002),
            "phone": _phone(rng),
            "org_unit": communes[unit_code],
        }
        return code

    for coop in coop_rows:
        unit_code = coop["org_unit"].code
        women_share = 0.8 if coop["women_led"] else 0.4
        if coop["kind"] == "HTX":
            management = [
                Role.CHAIR,
                Role.DIRECTOR,
                Role.BOARD_MEMBER,
                Role.BOARD_MEMBER,
                Role.SUPERVISOR,
                Role.ACCOUNTANT,
            ]
            rank_and_file = rng.randrange(8, 14)
        else:
            management = [Role.GROUP_LEADER, Role.ACCOUNTANT]
            rank_and_file = rng.randrange(6, 10)
        start = coop["established"]
        holders: list[str] = []
        for role in management:
            gender = "F" if rng.random() < women_share else "M"
            # A chair who is also director is common in small cooperatives.
            if role == Role.DIRECTOR and holders and rng.random() < 0.3:
                code = holders[0]
            else:
                code = new_person(unit_code, gender)
            holders.append(code)
            affiliation_rows.append(
                {
                    "person": code,
                    "coop": coop["code"],
                    "role": role,
                    "start_date": start,
                    "end_date": None,
                    "stable_job": True,
                }
            )
        for _ in range(rank_and_file):
            gender = "F" if rng.random() < 0.7 else "M"
            code = new_person(unit_code, gender)
            role = Role.WORKER if rng.random() < 0.35 else Role.MEMBER
            joined = date(rng.randrange(start.year, 2024), rng.randrange(1, 13), 1)
            ended = date(2024, rng.randrange(2, 12), 1) if rng.random() < 0.05 else None
            affiliation_rows.append(
                {
                    "person": code,
                    "coop": coop["code"],
                    "role": role,
                    "start_date": max(joined, start),
                    "end_date": ended,
                    "stable_job": role == Role.WORKER or rng.random() < 0.3,
                }
            )

    for position, supports in CADRE_POSITIONS_DISTRICT:
        code = new_person(rng.choice(commune_codes), "F")
        cadre_rows.append({"person": code, "unit": district, "position": position, "supports": supports})
    for commune_code in commune_codes:
        for position, supports in CADRE_POSITIONS_COMMUNE:
            code = new_person(commune_code, "F")
            cadre_rows.append(
                {"person": code, "unit": communes[commune_code], "position": position, "supports": supports}
            )

    # Cooperatives, people: bulk upsert by code.
    existing_coops = {c.code: c for c in Cooperative.objects.filter(code__in=[r["code"] for r in coop_rows])}
    Cooperative.objects.bulk_create([Cooperative(**r) for r in coop_rows if r["code"] not in existing_coops])
    coops = {c.code: c for c in Cooperative.objects.filter(code__in=[r["code"] for r in coop_rows])}

    existing_people = set(Person.objects.filter(code__in=people_rows).values_list("code", flat=True))
    Person.objects.bulk_create(
        [Person(**r) for code, r in people_rows.items() if code not in existing_people]
    )
    people = {p.code: p for p in Person.objects.filter(code__in=people_rows)}

    existing_aff = set(
        Affiliation.objects.filter(person__code__in=people_rows).values_list(
            "person__code", "cooperative__code", "role", "start_date"
        )
    )
    Affiliation.objects.bulk_create(
        [
            Affiliation(
                person=people[r["person"]],
                cooperative=coops[r["coop"]],
                role=r["role"],
                start_date=r["start_date"],
                end_date=r["end_date"],
                stable_job=r["stable_job"],
            )
            for r in affiliation_rows
            if (r["person"], r["coop"], r["role"], r["start_date"]) not in existing_aff
        ]
    )
    existing_cadres = set(
        CadrePosition.objects.filter(person__code__in=people_rows).values_list(
            "person__code", "org_unit__code"
        )
    )
    CadrePosition.objects.bulk_create(
        [
            CadrePosition(
                person=people[r["person"]],
                org_unit=r["unit"],
                position=r["position"],
                supports_cooperatives=r["supports"],
                start_date=date(2021, 7, 1),
            )
            for r in cadre_rows
            if (r["person"], r["unit"].code) not in existing_cadres
        ]
    )
    return DemoSummary(
        units=2 + len(communes),
        cooperatives=len(coop_rows),
        people=len(people_rows),
        affiliations=len(affiliation_rows),
        cadres=len(cadre_rows),
    )


def demo_people(*, commune_code: str, role: str) -> list[Person]:
    """People of the demo holding ``role`` in a cooperative of a commune."""
    return list(
        Person.objects.filter(affiliations__role=role, affiliations__cooperative__org_unit__code=commune_code)
        .distinct()
        .order_by("code")
    )
