"""The registry import (CONTRACT §2): one importer per sheet, applied in order
org_units, cooperatives, people, affiliations, cadres."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from lms.registry.importing import (
    Column,
    ImportContext,
    Row,
    SheetCounts,
    SheetImporter,
    SheetSpec,
    Upsert,
    choice_parser,
    code_parser,
    fetch_in,
    fetch_in_list,
    int_parser,
    parse_bool,
    parse_date,
    text_parser,
)
from lms.registry.models import Affiliation, CadrePosition, Cooperative, OrgUnit, Person, Role

BATCH = 1000

LEVELS = {
    OrgUnit.Level.PROVINCE: ("tỉnh", "thành phố trực thuộc trung ương"),
    OrgUnit.Level.DISTRICT: ("huyện", "quận", "thị xã"),
    OrgUnit.Level.COMMUNE: ("xã", "thị trấn", "phường", "xã / thị trấn"),
}
KINDS = {
    Cooperative.Kind.HTX: ("hợp tác xã", "cooperative"),
    Cooperative.Kind.THT: ("tổ hợp tác", "cooperative group"),
}
GENDERS = {
    Person.Gender.FEMALE: ("nữ", "female", "n"),
    Person.Gender.MALE: ("nam", "male"),
    Person.Gender.OTHER: ("khác", "other"),
}
ROLES = {
    Role.CHAIR: ("chủ tịch hđqt", "chủ tịch hội đồng quản trị", "chủ tịch", "board chair"),
    Role.BOARD_MEMBER: ("thành viên hđqt", "thành viên hội đồng quản trị", "board member"),
    Role.DIRECTOR: ("giám đốc", "director"),
    Role.SUPERVISOR: (
        "thành viên bks",
        "thành viên ban kiểm soát",
        "kiểm soát viên",
        "trưởng ban kiểm soát",
        "supervisory board member",
    ),
    Role.ACCOUNTANT: ("kế toán", "kế toán trưởng", "accountant"),
    Role.GROUP_LEADER: ("tổ trưởng", "trưởng nhóm", "group leader"),
    Role.MEMBER: ("thành viên", "xã viên", "member"),
    Role.WORKER: ("người lao động", "lao động", "worker"),
}


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def _this_year() -> int:
    return timezone.localdate().year


def _code(name: str, *aliases: str, required: bool = True) -> Column:
    return Column(name, aliases, required=required, parser=code_parser(max_length=50))


ORG_UNITS = SheetSpec(
    "org_units",
    aliases=("địa bàn", "đơn vị hành chính"),
    columns=[
        _code("code", "mã", "mã địa bàn"),
        Column("name", ("tên", "tên địa bàn"), required=True, parser=text_parser(max_length=255)),
        Column(
            "level",
            ("cấp",),
            required=True,
            parser=choice_parser(LEVELS, labels=_labels(OrgUnit.Level.choices)),
        ),
        _code("parent_code", "mã cấp trên", required=False),
    ],
)
COOPERATIVES = SheetSpec(
    "cooperatives",
    aliases=("htx", "hợp tác xã", "htx thht", "htx tht"),
    columns=[
        _code("code", "mã", "mã htx"),
        Column("name", ("tên", "tên htx"), required=True, parser=text_parser(max_length=255)),
        Column(
            "kind",
            ("loại",),
            required=True,
            parser=choice_parser(KINDS, labels=_labels(Cooperative.Kind.choices)),
        ),
        _code("org_unit_code", "mã địa bàn"),
        Column("women_led", ("phụ nữ quản lý",), parser=parse_bool, default=True),
        Column("established", ("ngày thành lập",), parser=parse_date),
    ],
)
PEOPLE = SheetSpec(
    "people",
    aliases=("người", "hồ sơ cá nhân"),
    columns=[
        _code("code", "mã", "mã người"),
        Column("full_name", ("họ và tên", "họ tên"), required=True, parser=text_parser(max_length=255)),
        Column(
            "gender",
            ("giới tính",),
            required=True,
            parser=choice_parser(GENDERS, labels=_labels(Person.Gender.choices)),
        ),
        Column("birth_year", ("năm sinh",), parser=int_parser(min_value=1900, max_value=_this_year)),
        Column("phone", ("điện thoại", "số điện thoại"), parser=text_parser(max_length=30), default=""),
        _code("org_unit_code", "mã địa bàn", required=False),
    ],
)
AFFILIATIONS = SheetSpec(
    "affiliations",
    aliases=("vị trí trong htx tht", "vị trí", "chức vụ"),
    columns=[
        _code("person_code", "mã người"),
        _code("cooperative_code", "mã htx", "mã htx tht"),
        Column(
            "role", ("chức vụ",), required=True, parser=choice_parser(ROLES, labels=_labels(Role.choices))
        ),
        Column("start_date", ("từ ngày", "ngày bắt đầu"), parser=parse_date),
        Column("end_date", ("đến ngày", "ngày kết thúc"), parser=parse_date),
        Column("stable_job", ("việc làm ổn định",), parser=parse_bool, default=False),
    ],
)
CADRES = SheetSpec(
    "cadres",
    aliases=("cán bộ hội", "cán bộ"),
    columns=[
        _code("person_code", "mã người"),
        _code("org_unit_code", "mã địa bàn"),
        Column("position", ("chức danh",), parser=text_parser(max_length=255), default=""),
        Column("supports_cooperatives", ("hỗ trợ htx",), parser=parse_bool, default=False),
        Column("start_date", ("từ ngày", "ngày bắt đầu"), parser=parse_date),
        Column("end_date", ("đến ngày", "ngày kết thúc"), parser=parse_date),
    ],
)


def in_scope(ctx: ImportContext, unit: OrgUnit | None) -> bool:
    """Whether ``unit`` lies in the importing official's scope.

    A unit this file creates (no primary key yet) is checked on its own row
    of org_units, so it counts as inside here.
    """
    if ctx.scope is None:
        return True
    if unit is None:
        return False
    if unit.pk is None:
        return True
    return unit.path.startswith(ctx.scope.path)


def _unit_of(obj) -> OrgUnit | None:
    """The unit of a cooperative or person, without a query for unsaved objects."""
    if obj.org_unit_id is None and not obj._meta.get_field("org_unit").is_cached(obj):
        return None
    return obj.org_unit


def _outside(ctx: ImportContext, obj) -> bool:
    """An existing cooperative or person that lies outside the official's scope."""
    return obj is not None and obj.pk is not None and not in_scope(ctx, _unit_of(obj))


def _code_label(code: str) -> str:
    return _("Mã “%s”") % code


def _duplicate(ctx: ImportContext, row: Row, seen: dict, key, *, column: str, label) -> bool:
    """Whether ``key`` was already on an earlier row (reported); ``label(key)`` names it."""
    if key in seen:
        ctx.error(row, column, _("%(what)s trùng với dòng %(row)d.") % {"what": label(key), "row": seen[key]})
        return True
    seen[key] = row.number
    return False


def _dates_ordered(ctx: ImportContext, row: Row) -> None:
    start, end = row["start_date"], row["end_date"]
    if start and end and end < start:
        ctx.error(
            row,
            "end_date",
            _("Ngày kết thúc (%(end)s) trước ngày bắt đầu (%(start)s).")
            % {
                "end": end.strftime("%d/%m/%Y"),
                "start": start.strftime("%d/%m/%Y"),
            },
        )


class OrgUnitImporter(SheetImporter):
    """Upsert units by code. Parents may come later in the sheet; paths are
    recomputed after writing, also for units moved under a new parent."""

    spec = ORG_UNITS

    def __init__(self) -> None:
        self.upsert = Upsert(OrgUnit, fields=["name", "level", "parent"], batch_size=BATCH)
        self.moved = False

    def validate(self, rows: list[Row], ctx: ImportContext) -> None:
        codes = {r["code"] for r in rows if r["code"]}
        parents = {r["parent_code"] for r in rows if r["parent_code"]}
        existing: dict[str, OrgUnit] = fetch_in(OrgUnit.objects.all(), "code", codes | parents)
        seen: dict[str, int] = {}
        mine: dict[str, Row] = {}
        units: dict[str, OrgUnit] = {}
        for row in rows:
            code = row["code"]
            if code is None or _duplicate(ctx, row, seen, code, column="code", label=_code_label):
                continue
            mine[code] = row
            units[code] = existing.get(code) or OrgUnit(code=code)
            ctx.define(OrgUnit, code, units[code])

        def unit(code: str | None) -> OrgUnit | None:
            return None if code is None else units.get(code) or existing.get(code)

        final_parent = {code: row["parent_code"] for code, row in mine.items()}
        file_ids = {u.pk: code for code, u in units.items() if u.pk is not None}
        for code, row in mine.items():
            before = len(ctx.issues)
            obj = existing.get(code)
            parent_code = row["parent_code"]
            parent = unit(parent_code)
            if parent_code is not None and parent is None:
                ctx.error(
                    row, "parent_code", _("Không có địa bàn mã “%s” (trong tệp hoặc đã có).") % parent_code
                )
            elif parent_code == code:
                ctx.error(row, "parent_code", _("Địa bàn không thể là cấp trên của chính nó."))
            elif parent_code is not None and self._cycles(code, final_parent, existing, file_ids):
                ctx.error(
                    row, "parent_code", _("Cấp trên “%s” tạo thành vòng lặp trong cây địa bàn.") % parent_code
                )
            moved = (
                obj is None
                or obj.parent_id != (parent.pk if parent else None)
                or (parent and parent.pk is None)
            )
            if ctx.scope is not None:
                if obj is not None and not obj.path.startswith(ctx.scope.path):
                    ctx.error(row, "code", _("Địa bàn “%s” nằm ngoài phạm vi bạn phụ trách.") % code)
                elif moved and parent_code is None:
                    ctx.error(row, "parent_code", _("Chỉ quản trị viên mới được tạo địa bàn cấp cao nhất."))
                elif (
                    moved
                    and parent is not None
                    and not self._final_in_scope(parent_code, ctx, final_parent, existing)
                ):
                    ctx.error(
                        row,
                        "parent_code",
                        _("Địa bàn cấp trên “%s” nằm ngoài phạm vi bạn phụ trách.") % parent_code,
                    )
            if not row.ok or len(ctx.issues) > before:
                continue
            if moved:
                self.moved = True
            self.upsert.add(
                existing=obj,
                key={"code": code},
                values={"name": row["name"], "level": row["level"], "parent": parent},
                instance=units[code],
            )

    @staticmethod
    def _cycles(code: str, final_parent: dict, existing: dict, file_ids: dict) -> bool:
        """Whether following the parents as they will be after the import
        leads back to ``code``. Units not in the file keep their ancestors,
        read from their stored path."""
        visited = {code}
        current = final_parent.get(code)
        while current is not None:
            if current in visited:
                return True
            visited.add(current)
            if current in final_parent:
                current = final_parent[current]
                continue
            unit = existing.get(current)
            if unit is None:
                return False
            ancestors = [int(p) for p in unit.path.rstrip(".").split(".")[:-1] if p]
            current = next((file_ids[pk] for pk in reversed(ancestors) if pk in file_ids), None)
        return False

    @staticmethod
    def _final_in_scope(code: str, ctx: ImportContext, final_parent: dict, existing: dict) -> bool:
        seen = set()
        while code is not None and code not in seen:
            if code == ctx.scope.code:
                return True
            seen.add(code)
            if code in final_parent:
                code = final_parent[code]
                continue
            unit = existing.get(code)
            return unit is not None and unit.path.startswith(ctx.scope.path)
        return False

    def counts(self) -> SheetCounts:
        return self.upsert.counts

    def apply(self, ctx: ImportContext) -> SheetCounts:
        from lms.registry.services import org_unit_refresh_paths

        pending = list(self.upsert.to_create)
        while pending:
            # Parents before children: each wave holds units whose parent exists.
            wave = [u for u in pending if u.parent is None or u.parent.pk is not None]
            self.upsert.create(wave)
            pending = [u for u in pending if u.pk is None]
        self.upsert.update()
        if self.moved:
            org_unit_refresh_paths()
        return self.upsert.counts


class CooperativeImporter(SheetImporter):
    spec = COOPERATIVES
    fields = ["name", "kind", "org_unit", "women_led", "established"]

    def __init__(self) -> None:
        self.upsert = Upsert(Cooperative, fields=self.fields, batch_size=BATCH)

    def validate(self, rows: list[Row], ctx: ImportContext) -> None:
        units = ctx.lookup(OrgUnit, (r["org_unit_code"] for r in rows))
        existing = fetch_in(Cooperative.objects.select_related("org_unit"), "code", (r["code"] for r in rows))
        seen: dict[str, int] = {}
        for row in rows:
            code = row["code"]
            if code is None or _duplicate(ctx, row, seen, code, column="code", label=_code_label):
                continue
            before = len(ctx.issues)
            obj = existing.get(code)
            unit = units.get(row["org_unit_code"])
            if row["org_unit_code"] and unit is None:
                ctx.error(row, "org_unit_code", _("Không có địa bàn mã “%s”.") % row["org_unit_code"])
            if _outside(ctx, obj):
                ctx.error(row, "code", _("HTX/THT “%s” thuộc địa bàn ngoài phạm vi bạn phụ trách.") % code)
            elif unit is not None and not in_scope(ctx, unit):
                ctx.error(
                    row, "org_unit_code", _("Địa bàn “%s” nằm ngoài phạm vi bạn phụ trách.") % unit.code
                )
            if not row.ok or len(ctx.issues) > before:
                ctx.define(Cooperative, code, obj or Cooperative(code=code))
                continue
            values = {name: row[name] for name in self.fields if name != "org_unit"} | {"org_unit": unit}
            ctx.define(Cooperative, code, self.upsert.add(existing=obj, key={"code": code}, values=values))

    def counts(self) -> SheetCounts:
        return self.upsert.counts

    def apply(self, ctx: ImportContext) -> SheetCounts:
        return self.upsert.apply()


class PersonImporter(SheetImporter):
    spec = PEOPLE
    fields = ["full_name", "gender", "birth_year", "phone", "org_unit"]

    def __init__(self) -> None:
        self.upsert = Upsert(Person, fields=self.fields, batch_size=BATCH)

    def validate(self, rows: list[Row], ctx: ImportContext) -> None:
        units = ctx.lookup(OrgUnit, (r["org_unit_code"] for r in rows))
        existing = fetch_in(Person.objects.select_related("org_unit"), "code", (r["code"] for r in rows))
        seen: dict[str, int] = {}
        for row in rows:
            code = row["code"]
            if code is None or _duplicate(ctx, row, seen, code, column="code", label=_code_label):
                continue
            before = len(ctx.issues)
            obj = existing.get(code)
            unit_code = row["org_unit_code"]
            unit = units.get(unit_code)
            if unit_code and unit is None:
                ctx.error(row, "org_unit_code", _("Không có địa bàn mã “%s”.") % unit_code)
            if _outside(ctx, obj):
                ctx.error(
                    row, "code", _("Người có mã “%s” thuộc địa bàn ngoài phạm vi bạn phụ trách.") % code
                )
            elif ctx.scope is not None and not unit_code and "org_unit_code" not in row.invalid:
                ctx.error(row, "org_unit_code", _("Cần ghi mã địa bàn (trong phạm vi bạn phụ trách)."))
            elif unit is not None and not in_scope(ctx, unit):
                ctx.error(
                    row, "org_unit_code", _("Địa bàn “%s” nằm ngoài phạm vi bạn phụ trách.") % unit.code
                )
            if not row.ok or len(ctx.issues) > before:
                ctx.define(Person, code, obj or Person(code=code))
                continue
            values = {name: row[name] for name in self.fields if name != "org_unit"} | {"org_unit": unit}
            ctx.define(Person, code, self.upsert.add(existing=obj, key={"code": code}, values=values))

    def counts(self) -> SheetCounts:
        return self.upsert.counts

    def apply(self, ctx: ImportContext) -> SheetCounts:
        return self.upsert.apply()


def _people(ctx: ImportContext, rows: list[Row]) -> dict[str, Person]:
    return ctx.lookup(
        Person, (r["person_code"] for r in rows), queryset=Person.objects.select_related("org_unit")
    )


def _check_person(ctx: ImportContext, row: Row, person: Person | None) -> None:
    code = row["person_code"]
    if person is None:
        if code is not None:
            ctx.error(row, "person_code", _("Không có người mã “%s”.") % code)
    elif _outside(ctx, person):
        ctx.error(row, "person_code", _("Người có mã “%s” thuộc địa bàn ngoài phạm vi bạn phụ trách.") % code)


class AffiliationImporter(SheetImporter):
    """Upsert by person + cooperative + role + start date."""

    spec = AFFILIATIONS

    def __init__(self) -> None:
        self.upsert = Upsert(Affiliation, fields=["end_date", "stable_job"], batch_size=BATCH)

    def validate(self, rows: list[Row], ctx: ImportContext) -> None:
        people = _people(ctx, rows)
        coops = ctx.lookup(
            Cooperative,
            (r["cooperative_code"] for r in rows),
            queryset=Cooperative.objects.select_related("org_unit"),
        )
        person_ids = {p.pk for p in people.values() if p.pk is not None}
        existing = {
            (a.person_id, a.cooperative_id, a.role, a.start_date): a
            for a in fetch_in_list(Affiliation.objects.all(), "person_id", person_ids)
        }
        seen: dict[tuple, int] = {}
        for row in rows:
            before = len(ctx.issues)
            person, coop = people.get(row["person_code"]), coops.get(row["cooperative_code"])
            _check_person(ctx, row, person)
            if coop is None:
                if row["cooperative_code"] is not None:
                    ctx.error(
                        row, "cooperative_code", _("Không có HTX/THT mã “%s”.") % row["cooperative_code"]
                    )
            elif _outside(ctx, coop):
                ctx.error(
                    row,
                    "cooperative_code",
                    _("HTX/THT “%s” thuộc địa bàn ngoài phạm vi bạn phụ trách.") % row["cooperative_code"],
                )
            _dates_ordered(ctx, row)
            if not row.ok or len(ctx.issues) > before:
                continue
            key = (row["person_code"], row["cooperative_code"], row["role"], row["start_date"])
            if _duplicate(
                ctx,
                row,
                seen,
                key,
                column="person_code",
                label=lambda _key: _("Vị trí này (cùng người, HTX/THT, chức vụ, từ ngày)"),
            ):
                continue
            found = None
            if person.pk is not None and coop.pk is not None:
                found = existing.get((person.pk, coop.pk, row["role"], row["start_date"]))
            self.upsert.add(
                existing=found,
                key={
                    "person": person,
                    "cooperative": coop,
                    "role": row["role"],
                    "start_date": row["start_date"],
                },
                values={"end_date": row["end_date"], "stable_job": row["stable_job"]},
            )

    def counts(self) -> SheetCounts:
        return self.upsert.counts

    def apply(self, ctx: ImportContext) -> SheetCounts:
        return self.upsert.apply()


class CadreImporter(SheetImporter):
    """Upsert by person + org unit + start date."""

    spec = CADRES

    def __init__(self) -> None:
        self.upsert = Upsert(
            CadrePosition, fields=["position", "supports_cooperatives", "end_date"], batch_size=BATCH
        )

    def validate(self, rows: list[Row], ctx: ImportContext) -> None:
        people = _people(ctx, rows)
        units = ctx.lookup(OrgUnit, (r["org_unit_code"] for r in rows))
        person_ids = {p.pk for p in people.values() if p.pk is not None}
        existing = {
            (c.person_id, c.org_unit_id, c.start_date): c
            for c in fetch_in_list(CadrePosition.objects.all(), "person_id", person_ids)
        }
        seen: dict[tuple, int] = {}
        for row in rows:
            before = len(ctx.issues)
            person, unit = people.get(row["person_code"]), units.get(row["org_unit_code"])
            _check_person(ctx, row, person)
            if unit is None:
                if row["org_unit_code"] is not None:
                    ctx.error(row, "org_unit_code", _("Không có địa bàn mã “%s”.") % row["org_unit_code"])
            elif not in_scope(ctx, unit):
                ctx.error(
                    row, "org_unit_code", _("Địa bàn “%s” nằm ngoài phạm vi bạn phụ trách.") % unit.code
                )
            _dates_ordered(ctx, row)
            if not row.ok or len(ctx.issues) > before:
                continue
            key = (row["person_code"], row["org_unit_code"], row["start_date"])
            if _duplicate(
                ctx,
                row,
                seen,
                key,
                column="person_code",
                label=lambda _key: _("Vị trí cán bộ này (cùng người, địa bàn, từ ngày)"),
            ):
                continue
            found = None
            if person.pk is not None and unit.pk is not None:
                found = existing.get((person.pk, unit.pk, row["start_date"]))
            self.upsert.add(
                existing=found,
                key={"person": person, "org_unit": unit, "start_date": row["start_date"]},
                values={
                    "position": row["position"],
                    "supports_cooperatives": row["supports_cooperatives"],
                    "end_date": row["end_date"],
                },
            )

    def counts(self) -> SheetCounts:
        return self.upsert.counts

    def apply(self, ctx: ImportContext) -> SheetCounts:
        return self.upsert.apply()


def registry_importers() -> list[SheetImporter]:
    """Fresh importers for the registry sheets, in the order they are applied."""
    return [
        OrgUnitImporter(),
        CooperativeImporter(),
        PersonImporter(),
        AffiliationImporter(),
        CadreImporter(),
    ]


SHEETS = [ORG_UNITS, COOPERATIVES, PEOPLE, AFFILIATIONS, CADRES]
