"""The coverage computation (CONTRACT §4), in SQL.

Everything that counts or lists people goes through this module: the report
page, the API, the command, the exports, the snapshots and the people lists.

The unit tree is a materialised path of fixed-width steps ("0000000001."),
so "U or below" is ``path LIKE 'P%'`` and the unit at depth d above a row is
``SUBSTR(path, 1, d * STEP)``.

Counting is ONE query per population source (cooperative roles, Union cadre
positions) for every indicator of a plan and every unit at the asked depths:

1. ``flagged``: the source's active rows in the subtree, one per (deepest
   unit, person), with a 0/1 flag per population rule (is the person in it
   there?) and per evidence rule (completed / certified in any of some
   topics within [S, D]);
2. per depth, the rows are grouped by unit prefix and person (a person with
   roles in two communes counts in each, and once in their district), then
   summed per unit.

The SQL is written out rather than built with the ORM: the statement is the
same on SQLite and PostgreSQL, costs microseconds to build, and lets the
database scan each big table once per report however many indicators there
are. ``tests/coverage`` check it against a plain Python reading of the rules.
"""

# Statements here are assembled from model table names, fixed aliases and
# integers only; every value travels as a query parameter.
# ruff: noqa: S608, S611

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from certificates.models import Certificate
from content.models import CoursePage
from courses.models import Completion, TrainingSession
from lms.coverage.models import Indicator
from lms.registry.models import PATH_STEP, Affiliation, CadrePosition, Cooperative, OrgUnit, Person

STEP = PATH_STEP + 1  # characters of one level of the path, dot included


@dataclass(frozen=True)
class Counts:
    """Distinct people in the population, and those of them with the evidence."""

    numerator: int = 0
    population: int = 0


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# --- fragments ------------------------------------------------------------------------


def _source_from(source: str, *, with_person: bool) -> str:
    """FROM clause of a population source; aliases r (the row), o (its unit),
    c (the cooperative) and, when a rule reads the gender, p (the person)."""
    person = f" JOIN {_t(Person)} p ON p.id = r.person_id" if with_person else ""
    if source == Indicator.Source.AFFILIATIONS:
        return (
            f"{_t(Affiliation)} r JOIN {_t(Cooperative)} c ON c.id = r.cooperative_id "
            f"JOIN {_t(OrgUnit)} o ON o.id = c.org_unit_id{person}"
        )
    return f"{_t(CadrePosition)} r JOIN {_t(OrgUnit)} o ON o.id = r.org_unit_id{person}"


def _needs_person(indicators: Iterable[Indicator]) -> bool:
    return any(ind.population_who == Indicator.Who.WOMEN for ind in indicators)


def _source_where(path_prefix: str, as_of: datetime.date) -> tuple[str, list]:
    """In the subtree and active on the day (CONTRACT §4)."""
    sql = (
        "(r.start_date IS NULL OR r.start_date <= %s) AND (r.end_date IS NULL OR r.end_date >= %s)"
        " AND o.path LIKE %s"
    )
    return sql, [as_of, as_of, path_prefix + "%"]


def _in(column: str, values: Sequence) -> tuple[str, list]:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _rule(indicator: Indicator) -> tuple[str, list]:
    """The indicator's own population filters, over the aliases of ``_source_from``."""
    parts: list[str] = []
    params: list = []

    def add(sql: str, values: list) -> None:
        parts.append(sql)
        params.extend(values)

    if indicator.from_affiliations:
        if indicator.roles:
            add(*_in("r.role", indicator.roles))
        if indicator.cooperative_kinds:
            add(*_in("c.kind", indicator.cooperative_kinds))
        if indicator.women_led_only:
            add("c.women_led = %s", [True])
        if indicator.stable_job_only:
            add("r.stable_job = %s", [True])
    elif indicator.supports_cooperatives_only:
        add("r.supports_cooperatives = %s", [True])
    if indicator.population_who == Indicator.Who.WOMEN:
        add("p.gender = %s", [Person.Gender.FEMALE])
    return (" AND ".join(parts) or "1 = 1"), params


def topic_ids(indicator: Indicator) -> list[int]:
    """The indicator's evidence topics (read from a prefetch when there is one)."""
    return sorted(topic.pk for topic in indicator.evidence_topics.all())


def _carries(topics: list[int], alias: str) -> tuple[str, list]:
    """The completion or certificate ``alias`` is for a course or session carrying one of ``topics``."""
    if not topics:
        return "1 = 0", []
    marks = ", ".join(["%s"] * len(topics))
    courses = CoursePage.topics.through
    sessions = TrainingSession.topics.through
    sql = (
        f"({alias}.course_id IN (SELECT coursepage_id FROM {_t(courses)} WHERE topic_id IN ({marks}))"
        f" OR {alias}.session_id IN (SELECT trainingsession_id FROM {_t(sessions)} WHERE topic_id IN ({marks})))"
    )
    return sql, [*topics, *topics]


def _completed_where(start: datetime.date, as_of: datetime.date, alias: str = "x") -> tuple[str, list]:
    # A session's completion is dated the session's end_date (CONTRACT §3).
    return f"{alias}.completed_on >= %s AND {alias}.completed_on <= %s", [start, as_of]


def _certified_where(start: datetime.date, as_of: datetime.date, alias: str = "x") -> tuple[str, list]:
    return (
        f"{alias}.issued_on >= %s AND {alias}.issued_on <= %s"
        f" AND ({alias}.revoked_on IS NULL OR {alias}.revoked_on > %s)",
        [start, as_of, as_of],
    )


def evidence_key(indicator: Indicator) -> tuple[str, tuple[int, ...]] | None:
    """Indicators asking for the same proof share one flag."""
    if indicator.evidence == Indicator.Evidence.NONE:
        return None
    return indicator.evidence, tuple(topic_ids(indicator))


# --- counting ------------------------------------------------------------------------------


def _source_counts(
    source: str,
    indicators: list[Indicator],
    *,
    path_prefix: str,
    depths: Sequence[int],
    start: datetime.date,
    as_of: datetime.date,
) -> dict[int, dict[str, Counts]]:
    deepest = max(depths) * STEP
    params: list = []  # in the order the placeholders appear

    # Indicators sharing a population rule share its flag (p), and those
    # asking for the same proof share its flag (e).
    rules: list[tuple[str, tuple]] = []
    keys: list[tuple[str, tuple[int, ...]]] = []
    pairs: list[tuple[int, int | None]] = []  # (rule, proof) of each output column pair
    column_of: dict[int, int] = {}
    for ind in indicators:
        rule_sql, rule_params = _rule(ind)
        rule = (rule_sql, tuple(rule_params))
        if rule not in rules:
            rules.append(rule)
        key = evidence_key(ind)
        if key is not None and key not in keys:
            keys.append(key)
        pair = (rules.index(rule), None if key is None else keys.index(key))
        if pair not in pairs:
            pairs.append(pair)
        column_of[ind.pk] = pairs.index(pair)

    # 1. flagged: one row per (deepest unit, person) with a flag per
    # population rule and per proof. The proofs are joined on the person, so
    # that the planner probes an index per person for a small scope and
    # hashes the period's proofs once for a large one.
    selects = []
    for i, (rule_sql, rule_params) in enumerate(rules):
        selects.append(f"MAX(CASE WHEN {rule_sql} THEN 1 ELSE 0 END) AS p{i}")
        params += rule_params
    joins, join_params = [], []
    for kind, model, where_of, alias in (
        (Indicator.Evidence.COMPLETED, Completion, _completed_where, "x"),
        (Indicator.Evidence.CERTIFIED, Certificate, _certified_where, "y"),
    ):
        mine = [(n, key) for n, key in enumerate(keys) if key[0] == kind]
        if not mine:
            continue
        for n, (_kind, topics) in mine:
            carries, carries_params = _carries(list(topics), alias)
            selects.append(f"MAX(CASE WHEN {carries} THEN 1 ELSE 0 END) AS e{n}")
            params += carries_params
        proof_where, proof_params = where_of(start, as_of, alias)
        joins.append(f"LEFT JOIN {_t(model)} {alias} ON {alias}.person_id = r.person_id AND {proof_where}")
        join_params += proof_params
    params += join_params
    where, where_params = _source_where(path_prefix, as_of)
    params += where_params
    for _rule_sql, rule_params in rules:
        params += rule_params
    flagged_sql = (
        f"SELECT SUBSTR(o.path, 1, {int(deepest)}) AS k, r.person_id AS person_id, {', '.join(selects)} "
        f"FROM {_source_from(source, with_person=_needs_person(indicators))} {' '.join(joins)} "
        f"WHERE {where} AND ({' OR '.join(f'({r})' for r, _p in rules)}) "
        "GROUP BY 1, 2"
    )
    ctes = [f"flagged AS ({flagged_sql})"]

    # 2. per depth: distinct people per unit prefix, then sums per unit.
    sums = []
    for rule, proof in pairs:
        covered = (
            f"g.p{rule}" if proof is None else f"CASE WHEN g.p{rule} = 1 AND g.e{proof} = 1 THEN 1 ELSE 0 END"
        )
        sums.append(f"SUM(g.p{rule}), SUM({covered})")
    maxes = ", ".join(
        [f"MAX(p{i}) AS p{i}" for i in range(len(rules))] + [f"MAX(e{n}) AS e{n}" for n in range(len(keys))]
    )
    selects = []
    for depth in depths:
        length = depth * STEP
        inner = (
            "flagged"
            if length == deepest
            else f"(SELECT SUBSTR(k, 1, {int(length)}) AS k, person_id, {maxes} FROM flagged GROUP BY 1, 2)"
        )
        selects.append(f"SELECT {int(depth)} AS lvl, g.k AS k, {', '.join(sums)} FROM {inner} g GROUP BY g.k")
    sql = f"WITH {', '.join(ctes)} " + " UNION ALL ".join(selects)

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result: dict[int, dict[str, Counts]] = {ind.pk: {} for ind in indicators}
    for row in rows:
        level, key = row[0], row[1]
        # A row lying above a depth is grouped under its own, shorter path:
        # it belongs to no unit of that depth.
        if len(key) != level * STEP:
            continue
        for ind in indicators:
            j = column_of[ind.pk]
            population, covered = int(row[2 + 2 * j] or 0), int(row[3 + 2 * j] or 0)
            if population:
                result[ind.pk][key] = Counts(numerator=covered, population=population)
    return result


def counts_by_unit_path(
    indicators: Iterable[Indicator],
    *,
    path_prefix: str,
    depths: Iterable[int],
    start: datetime.date,
    as_of: datetime.date,
) -> dict[int, dict[str, Counts]]:
    """Counts of every indicator for every unit under ``path_prefix`` (itself
    included) at each of ``depths``: ``{indicator id: {unit path: Counts}}``.

    One query per population source used, whatever the number of indicators,
    units or people. Units without anyone in a population are absent.
    """
    indicators, depths = list(indicators), sorted(set(depths))
    result: dict[int, dict[str, Counts]] = {}
    if not depths:
        return {ind.pk: {} for ind in indicators}
    with transaction.atomic(savepoint=False):
        _tune_for_reports()
        for source in (Indicator.Source.AFFILIATIONS, Indicator.Source.CADRES):
            mine = [ind for ind in indicators if ind.population_source == source]
            if mine:
                result |= _source_counts(
                    source,
                    mine,
                    path_prefix=path_prefix,
                    depths=depths,
                    start=start,
                    as_of=as_of,
                )
    return result


def _tune_for_reports() -> None:
    """PostgreSQL settings for the report's statements, for this transaction
    only: memory to hash and group a nation's rows without spilling to disk,
    and no JIT compilation (it costs seconds on statements that run in
    hundreds of milliseconds)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('work_mem', '128MB', true), set_config('jit', 'off', true)")


# --- listing ------------------------------------------------------------------------------


def population_row_ids(indicator: Indicator, *, path_prefix: str, as_of: datetime.date) -> RawSQL:
    """Ids of the affiliations or cadre positions that put people in the
    indicator's population under ``path_prefix`` (for ``pk__in``)."""
    where, where_params = _source_where(path_prefix, as_of)
    rule, rule_params = _rule(indicator)
    source = _source_from(indicator.population_source, with_person=_needs_person([indicator]))
    sql = f"SELECT r.id FROM {source} WHERE {where} AND {rule}"
    return RawSQL(sql, [*where_params, *rule_params])


def population_rows(indicator: Indicator, *, path_prefix: str, as_of: datetime.date) -> QuerySet:
    """The affiliations (or cadre positions) that put people in the population."""
    model = Affiliation if indicator.from_affiliations else CadrePosition
    return model.objects.filter(pk__in=population_row_ids(indicator, path_prefix=path_prefix, as_of=as_of))


def _evidence_person_ids(indicator: Indicator, *, start: datetime.date, as_of: datetime.date) -> RawSQL:
    model, where_of = (
        (Completion, _completed_where)
        if indicator.evidence == Indicator.Evidence.COMPLETED
        else (Certificate, _certified_where)
    )
    where, where_params = where_of(start, as_of)
    carries, carries_params = _carries(topic_ids(indicator), "x")
    sql = f"SELECT x.person_id FROM {_t(model)} x WHERE {where} AND {carries}"
    return RawSQL(sql, [*where_params, *carries_params])


def people_in_population(
    indicator: Indicator, *, path_prefix: str, start: datetime.date, as_of: datetime.date, which: str
) -> QuerySet[Person]:
    """The people behind a number: ``which`` is "all" (the population),
    "covered" (the numerator) or "missing" (population minus numerator)."""
    where, where_params = _source_where(path_prefix, as_of)
    rule, rule_params = _rule(indicator)
    source = _source_from(indicator.population_source, with_person=_needs_person([indicator]))
    members = RawSQL(
        f"SELECT r.person_id FROM {source} WHERE {where} AND {rule}", [*where_params, *rule_params]
    )
    people = Person.objects.filter(pk__in=members)
    if indicator.evidence == Indicator.Evidence.NONE:
        return people.none() if which == "missing" else people
    proof = _evidence_person_ids(indicator, start=start, as_of=as_of)
    if which == "covered":
        return people.filter(pk__in=proof)
    if which == "missing":
        return people.exclude(pk__in=proof)
    return people
