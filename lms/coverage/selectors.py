"""Reads of the coverage app: reports, people lists, trends.

``resolve_report`` is the one place where the inputs of every door (page,
API, command, exports) are parsed and authorised; ``coverage_for_unit`` is
the one report. Both raise ``CoverageError`` subclasses carrying a clear
Vietnamese message and the HTTP status to answer with.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lms.coverage.computation import (
    STEP,
    Counts,
    counts_by_unit_path,
    people_in_population,
    population_rows,
)
from lms.coverage.models import Indicator, Plan, Snapshot
from lms.registry.models import Affiliation, CadrePosition, OrgUnit, Person, User


class CoverageError(Exception):
    """A request the report cannot answer; ``status`` is the HTTP status."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class BadRequest(CoverageError):
    status = 400


class NotFound(CoverageError):
    status = 404


class Forbidden(CoverageError):
    status = 403


class Status:
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    NO_DATA = "no_data"


WHICH = ("covered", "missing", "all")


@dataclass(frozen=True)
class Figures:
    """One indicator for one unit, computed by CONTRACT §4."""

    org_unit: OrgUnit
    numerator: int
    denominator: int | None
    value: Decimal | int | None
    met: bool | None
    shortfall: int


@dataclass
class IndicatorResult:
    indicator: Indicator
    total: Figures
    breakdown: list[Figures]
    status: str
    expected: Decimal | None  # the value expected by the report day, pro rata of the period


@dataclass
class CoverageReport:
    plan: Plan
    org_unit: OrgUnit
    as_of: datetime.date
    children: list[OrgUnit]
    results: list[IndicatorResult]
    elapsed: Fraction = field(default=Fraction(0))


@dataclass(frozen=True)
class ReportArgs:
    plan: Plan
    org_unit: OrgUnit
    as_of: datetime.date
    indicator: Indicator | None = None


# --- the formulas of CONTRACT §4 -------------------------------------------


def percent_value(numerator: int, denominator: int) -> Decimal | None:
    """100 × numerator / denominator, rounded half up to one decimal."""
    if not denominator:
        return None
    exact = Decimal(100 * numerator) / Decimal(denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def figures(indicator: Indicator, unit: OrgUnit, counts: Counts) -> Figures:
    target = indicator.target
    if indicator.is_percent:
        value = percent_value(counts.numerator, counts.population)
        if value is None:
            return Figures(unit, counts.numerator, 0, None, None, 0)
        needed = math.ceil(Fraction(target) * counts.population / 100)
        return Figures(
            unit,
            counts.numerator,
            counts.population,
            value,
            value >= target,
            max(0, needed - counts.numerator),
        )
    value = counts.numerator
    return Figures(unit, value, None, value, value >= target, max(0, math.ceil(target) - value))


def elapsed_fraction(plan: Plan, as_of: datetime.date) -> Fraction:
    """The share of the plan's period past on ``as_of`` (days counted inclusively)."""
    days = (plan.end_date - plan.start_date).days + 1
    past = (as_of - plan.start_date).days + 1
    return Fraction(min(max(past, 0), days), days)


def status_of(indicator: Indicator, total: Figures, elapsed: Fraction) -> tuple[str, Decimal | None]:
    """Met; on track (at least target × elapsed share of the period); behind."""
    expected = (Decimal(indicator.target) * elapsed.numerator / elapsed.denominator).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    if total.value is None:
        return Status.NO_DATA, expected
    if total.met:
        return Status.MET, expected
    return (Status.ON_TRACK if total.value >= expected else Status.BEHIND), expected


# --- the report ----------------------------------------------------------------


def plan_indicators(plan: Plan) -> list[Indicator]:
    return list(plan.indicators.order_by("sort_order", "pk").prefetch_related("evidence_topics"))


def coverage_for_unit(
    *, plan: Plan, unit: OrgUnit, as_of: datetime.date, indicators: list[Indicator] | None = None
) -> CoverageReport:
    """Every indicator of ``plan`` for ``unit`` and each of its direct
    children, as of ``as_of``: 5 queries whatever the size of the data (3
    here, then one to choose how to read and one for every indicator)."""
    if indicators is None:
        indicators = plan_indicators(plan)
    children = list(OrgUnit.objects.filter(parent=unit).order_by("path"))
    depth = len(unit.path) // STEP
    elapsed = elapsed_fraction(plan, as_of)
    counts = counts_by_unit_path(
        indicators,
        path_prefix=unit.path,
        depths=(depth, depth + 1) if children else (depth,),
        start=plan.start_date,
        as_of=as_of,
    )
    results = []
    for indicator in indicators:
        mine = counts.get(indicator.pk, {})
        total = figures(indicator, unit, mine.get(unit.path, Counts()))
        breakdown = [figures(indicator, child, mine.get(child.path, Counts())) for child in children]
        status, expected = status_of(indicator, total, elapsed)
        results.append(IndicatorResult(indicator, total, breakdown, status, expected))
    return CoverageReport(plan, unit, as_of, children, results, elapsed)


def _target(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def _row_dict(row: Figures, indicator: Indicator) -> dict:
    value = row.value
    if indicator.is_percent and value is not None:
        value = float(value)
    return {
        "numerator": row.numerator,
        "denominator": row.denominator,
        "value": value,
        "met": row.met,
        "shortfall": row.shortfall,
    }


def report_as_dict(report: CoverageReport) -> dict:
    """The JSON of CONTRACT §5."""
    return {
        "plan": report.plan.code,
        "org_unit": {"code": report.org_unit.code, "name": report.org_unit.name},
        "as_of": report.as_of.isoformat(),
        "indicators": [
            {
                "code": result.indicator.code,
                "kind": result.indicator.kind,
                "target": _target(result.indicator.target),
                **_row_dict(result.total, result.indicator),
                "breakdown": [
                    {"org_unit": {"code": row.org_unit.code, "name": row.org_unit.name}}
                    | _row_dict(row, result.indicator)
                    for row in result.breakdown
                ],
            }
            for result in report.results
        ],
    }


# --- inputs and scope ------------------------------------------------------------


def default_as_of(plan: Plan) -> datetime.date:
    return min(timezone.localdate(), plan.end_date)


def parse_date(text: str) -> datetime.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
    raise BadRequest(_("Ngày không hợp lệ: “%(value)s” (cần dạng YYYY-MM-DD).") % {"value": text})


def user_scope_unit(user: User | None) -> OrgUnit | None:
    """None: sees everything. Raises Forbidden for accounts without access."""
    if user is None or user.is_admin_role:
        return None
    if user.is_official and user.scope_id:
        return user.scope
    raise Forbidden(_("Tài khoản của bạn không được xem báo cáo này."))


def tree_root() -> OrgUnit | None:
    return OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()


def visible_plans(user: User | None) -> QuerySet[Plan]:
    user_scope_unit(user)
    return Plan.objects.select_related("root").order_by("-start_date", "code")


def resolve_report(
    *,
    user: User | None,
    plan: str | None,
    org_unit: str | None = None,
    as_of: str | None = None,
    indicator: str | None = None,
    require_indicator: bool = False,
) -> ReportArgs:
    """Parse and authorise a report request; ``user`` None is the command
    line without ``--user`` (everything visible)."""
    scope = user_scope_unit(user)
    if plan:
        found = Plan.objects.select_related("root").filter(code=plan).first()
        if found is None:
            raise NotFound(_("Không có kế hoạch mã “%(code)s”.") % {"code": plan})
    else:
        found = Plan.objects.select_related("root").order_by("-start_date", "code").first()
        if found is None:
            raise NotFound(_("Chưa có kế hoạch nào."))
    day = parse_date(as_of) if as_of else default_as_of(found)
    if org_unit:
        unit = OrgUnit.objects.filter(code=org_unit).first()
        if unit is None:
            raise NotFound(_("Không có địa bàn mã “%(code)s”.") % {"code": org_unit})
    else:
        unit = found.root or tree_root()
        if scope is not None and (unit is None or not unit.is_within(scope)):
            unit = scope
        if unit is None:
            raise NotFound(_("Chưa có địa bàn nào."))
    if scope is not None and not unit.is_within(scope):
        raise Forbidden(
            _("Bạn chỉ được xem số liệu của %(scope)s và các địa bàn trực thuộc.") % {"scope": scope}
        )
    chosen = None
    if indicator:
        chosen = found.indicators.filter(code=indicator).prefetch_related("evidence_topics").first()
        if chosen is None:
            raise NotFound(
                _("Kế hoạch “%(plan)s” không có chỉ tiêu mã “%(code)s”.")
                % {"plan": found.code, "code": indicator}
            )
    elif require_indicator:
        raise BadRequest(_("Cần chọn một chỉ tiêu."))
    return ReportArgs(plan=found, org_unit=unit, as_of=day, indicator=chosen)


def ancestors_in_scope(*, unit: OrgUnit, user: User | None) -> list[OrgUnit]:
    """The units above ``unit`` the user may open, top first (one query)."""
    scope = user_scope_unit(user)
    ids = [int(part) for part in unit.path.split(".") if part][:-1]
    units = OrgUnit.objects.filter(pk__in=ids).order_by("depth")
    return [u for u in units if scope is None or u.is_within(scope)]


# --- people behind a number ----------------------------------------------------


def people_behind(
    *, plan: Plan, indicator: Indicator, unit: OrgUnit, as_of: datetime.date, which: str
) -> QuerySet[Person]:
    """The people counted in a figure, each with the roles that put her in the
    population prefetched as ``qualifying`` (one query for a whole page)."""
    if which not in WHICH:
        raise BadRequest(_("Danh sách không hợp lệ."))
    people = people_in_population(
        indicator, path_prefix=unit.path, start=plan.start_date, as_of=as_of, which=which
    )
    rows = population_rows(indicator, path_prefix=unit.path, as_of=as_of)
    if indicator.from_affiliations:
        rows = rows.select_related("cooperative", "cooperative__org_unit").order_by(
            "cooperative__name", "role"
        )
        prefetch = Prefetch("affiliations", queryset=rows, to_attr="qualifying")
    else:
        rows = rows.select_related("org_unit").order_by("org_unit__path")
        prefetch = Prefetch("cadre_positions", queryset=rows, to_attr="qualifying")
    return people.select_related("org_unit").prefetch_related(prefetch).order_by("full_name", "code")


def person_places(person: Person) -> list[dict]:
    """Where a listed person holds the roles that count (from ``qualifying``)."""
    places = []
    for row in getattr(person, "qualifying", []):
        if isinstance(row, Affiliation):
            places.append(
                {
                    "code": row.cooperative.code,
                    "name": row.cooperative.name,
                    "role": row.get_role_display(),
                    "org_unit": row.cooperative.org_unit,
                }
            )
        elif isinstance(row, CadrePosition):
            places.append(
                {"code": "", "name": row.position or _("Cán bộ Hội"), "role": "", "org_unit": row.org_unit}
            )
    return places


def person_as_dict(person: Person, indicator: Indicator) -> dict:
    places = person_places(person)
    unit = person.org_unit or (places[0]["org_unit"] if places else None)
    return {
        "code": person.code,
        "full_name": person.full_name,
        "org_unit": {"code": unit.code, "name": unit.name} if unit else None,
        "cooperatives": [
            {"code": p["code"], "name": p["name"], "role": p["role"]}
            for p in places
            if indicator.from_affiliations
        ],
    }


# --- trend ---------------------------------------------------------------------


def trend_for_unit(*, plan: Plan, unit: OrgUnit, until: datetime.date) -> dict[int, list[Snapshot]]:
    """Month-end snapshots of the unit up to ``until``, per indicator id (one query)."""
    result: dict[int, list[Snapshot]] = {}
    snapshots = Snapshot.objects.filter(plan=plan, org_unit=unit, as_of__lte=until).order_by("as_of")
    for snap in snapshots:
        result.setdefault(snap.indicator_id, []).append(snap)
    return result
