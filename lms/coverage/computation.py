"""The coverage computation (CONTRACT §4), in SQL.

Everything that counts or lists people goes through this module: the report
page, the API, the command, the exports, the snapshots and the people lists.

Populations are read from ``coverage_member`` (``lms.coverage.members``): one
row per affiliation and per Union cadre position, with the unit's path and
every attribute a population rule reads, kept in step by triggers. The unit
tree is a materialised path of fixed-width steps ("0000000001."), so "U or
below" is ``path LIKE 'P%'`` and the unit at depth d above a row is
``SUBSTR(path, 1, d * STEP)``.

Counting is ONE query for every indicator of a plan, both population
sources (cooperative roles, Union cadre positions) and every unit at the
asked depths:

1. the member rows active on the day in the subtree, each with the person's
   proofs within [S, D], are grouped by person and unit at each asked depth
   (a rollup): one row per person and unit, with a 0/1 flag per population
   rule (is the person in it there?) and per evidence rule (completed /
   certified in any of some topics). A person with roles in two communes
   counts in each, and once in their district;
2. those rows are summed per unit.

How the proofs are read depends on the size of the subtree (``_read_plan``):
a large one reads the period's proofs once, grouped per person in person
order, and on PostgreSQL is split into ranges of person ids, one branch of a
``UNION ALL`` each, which the server runs side by side (Parallel Append): a
person's rows all fall in one range, so the branches' sums add up. A small
subtree probes each of its people's proofs through an index. On SQLite the
rollup is spelled as one ``GROUP BY`` per depth.

The SQL is written out rather than built with the ORM: the statement is the
same shape on both databases, costs microseconds to build, and lets the
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

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from certificates.models import Certificate
from content.models import CoursePage
from courses.models import Completion, TrainingSession
from lms.coverage.models import Indicator, Member
from lms.registry.models import PATH_STEP, Affiliation, CadrePosition, OrgUnit, Person

STEP = PATH_STEP + 1
GROUPED_PROOFS = True  # characters of one level of the path, dot included


@dataclass(frozen=True)
class Counts:
    """Distinct people in the population, and those of them with the evidence."""

    numerator: int = 0
    population: int = 0


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# --- fragments ------------------------------------------------------------------------


def _source_where(sources: Sequence[str], path_prefix: str | None, as_of: datetime.date) -> tuple[str, list]:
    """Rows (alias r) of ``sources`` in the subtree (``None``: the whole
    tree) and active on the day (CONTRACT §4)."""
    source_sql, source_params = _in("r.source", sources)
    sql = f"{source_sql} AND (r.start_date IS NULL OR r.start_date <= %s) AND (r.end_date IS NULL OR r.end_date >= %s)"
    params = [*source_params, as_of, as_of]
    if path_prefix is not None:
        sql += " AND r.path LIKE %s"
        params.append(path_prefix + "%")
    return sql, params


def _in(column: str, values: Sequence) -> tuple[str, list]:
    return f"{column} IN ({', '.join(['%s'] * len(values))})", list(values)


def _rule(indicator: Indicator) -> tuple[str, list]:
    """The indicator's own population filters, over a member row r."""
    parts: list[str] = []
    params: list = []

    def add(sql: str, values: list) -> None:
        parts.append(sql)
        params.extend(values)

    if indicator.from_affiliations:
        if indicator.roles:
            add(*_in("r.role", indicator.roles))
        if indicator.cooperative_kinds:
            add(*_in("r.kind", indicator.cooperative_kinds))
        if indicator.women_led_only:
            add("r.women_led = %s", [True])
        if indicator.stable_job_only:
            add("r.stable_job = %s", [True])
    elif indicator.supports_cooperatives_only:
        add("r.supports_cooperatives = %s", [True])
    if indicator.population_who == Indicator.Who.WOMEN:
        add("r.gender = %s", [Person.Gender.FEMALE])
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


def _columns(indicators: list[Indicator]):
    """The flags the report's query computes for ``indicators``.

    Each population rule names its source (cooperative roles or Union cadre
    positions). Indicators sharing a population rule share its flag (p), and
    those asking for the same proof share its flag (e). Returns the rules, the
    proofs, the (rule, proof) pair of each output column pair, and the column
    pair of each indicator.
    """
    rules: list[tuple[str, tuple]] = []
    keys: list[tuple[str, tuple[int, ...]]] = []
    pairs: list[tuple[int, int | None]] = []
    column_of: dict[int, int] = {}
    for ind in indicators:
        rule_sql, rule_params = _rule(ind)
        rule = (f"r.source = %s AND {rule_sql}", (ind.population_source, *rule_params))
        if rule not in rules:
            rules.append(rule)
        key = evidence_key(ind)
        if key is not None and key not in keys:
            keys.append(key)
        pair = (rules.index(rule), None if key is None else keys.index(key))
        if pair not in pairs:
            pairs.append(pair)
        column_of[ind.pk] = pairs.index(pair)
    return rules, keys, pairs, column_of


def _split(low: int | None, high: int | None) -> list[tuple[int, int] | None]:
    """Person id ranges [low, high) for the report's branches."""
    branches = settings.COVERAGE_SQL_BRANCHES
    if low is None or branches < 2:
        return [None]
    step = max(1, -(-(high - low + 1) // branches))
    return [(first, first + step) for first in range(low, high + 1, step)]


def _branch(
    sources: list[str],
    rules: list[tuple[str, tuple]],
    keys: list[tuple[str, tuple[int, ...]]],
    pairs: list[tuple[int, int | None]],
    *,
    people: tuple[int, int] | None,
    scan: bool,
    whole_tree: bool,
    path_prefix: str,
    depths: Sequence[int],
    start: datetime.date,
    as_of: datetime.date,
) -> tuple[str, list]:
    """Sums per (depth, unit) over the people of one id range: ``lvl, k``
    then a (population, covered) pair of columns per pair of flags."""
    flags: list[str] = []
    flag_params: list = []
    for i, (rule_sql, rule_params) in enumerate(rules):
        flags.append(f"MAX(CASE WHEN {rule_sql} THEN 1 ELSE 0 END) AS p{i}")
        flag_params += rule_params

    joins: list[str] = []
    join_params: list = []
    for kind, model, where_of, alias in (
        (Indicator.Evidence.COMPLETED, Completion, _completed_where, "x"),
        (Indicator.Evidence.CERTIFIED, Certificate, _certified_where, "y"),
    ):
        mine = [(n, key) for n, key in enumerate(keys) if key[0] == kind]
        if not mine:
            continue
        proof_where, proof_params = where_of(start, as_of, alias)
        if people:
            proof_where += f" AND {alias}.person_id >= %s AND {alias}.person_id < %s"
            proof_params += list(people)
        if scan:
            # The proofs of the period, read once in person order: one row
            # per person with a flag per proof asked for.
            per_person, per_person_params = [], []
            for n, (_kind, topics) in mine:
                carries, carries_params = _carries(list(topics), alias)
                per_person.append(f"MAX(CASE WHEN {carries} THEN 1 ELSE 0 END) AS e{n}")
                per_person_params += carries_params
                flags.append(f"MAX(COALESCE({alias}.e{n}, 0)) AS e{n}")
            joins.append(
                f"LEFT JOIN (SELECT {alias}.person_id, {', '.join(per_person)} FROM {_t(model)} {alias}"
                f" WHERE {proof_where} GROUP BY {alias}.person_id) {alias} ON {alias}.person_id = r.person_id"
            )
            join_params += [*per_person_params, *proof_params]
        else:
            # Each person's proofs of the period, probed through an index.
            for n, (_kind, topics) in mine:
                carries, carries_params = _carries(list(topics), alias)
                flags.append(f"MAX(CASE WHEN {carries} THEN 1 ELSE 0 END) AS e{n}")
                flag_params += carries_params
            joins.append(
                f"LEFT JOIN {_t(model)} {alias} ON {alias}.person_id = r.person_id AND {proof_where}"
            )
            join_params += proof_params

    where, where_params = _source_where(sources, None if whole_tree else path_prefix, as_of)
    if people:
        where += " AND r.person_id >= %s AND r.person_id < %s"
        where_params += list(people)
    where += f" AND ({' OR '.join(f'({r})' for r, _p in rules)})"
    for _rule_sql, rule_params in rules:
        where_params += rule_params

    keys_sql = ", ".join(f"SUBSTR(r.path, 1, {int(d * STEP)}) AS k{d}" for d in depths)
    rows = f"(SELECT r.*, {keys_sql} FROM {_t(Member)} r) r {' '.join(joins)}"
    params = [*flag_params, *join_params, *where_params]
    if connection.vendor == "postgresql":
        # One row per person and unit at each depth. The deeper unit's key
        # starts with the shallower one's, so a rollup gives every depth in
        # one pass over the rows sorted by person (as the index gives them).
        first, *deeper = depths
        group = f"r.person_id, r.k{first}" + (
            f", ROLLUP({', '.join(f'r.k{d}' for d in deeper)})" if deeper else ""
        )
        level = " ".join(f"WHEN r.k{d} IS NOT NULL THEN {int(d)}" for d in reversed(depths))
        key = ", ".join(f"r.k{d}" for d in reversed(depths))
        per_person = (
            f"SELECT CASE {level} END AS lvl, COALESCE({key}) AS k, {', '.join(flags)}"
            f" FROM {rows} WHERE {where} GROUP BY {group}"
        )
    else:
        per_person = " UNION ALL ".join(
            f"SELECT {int(d)} AS lvl, r.k{d} AS k, {', '.join(flags)} FROM {rows} WHERE {where} GROUP BY r.person_id, r.k{d}"
            for d in depths
        )
        params *= len(depths)

    sums = []
    for n, (rule, proof) in enumerate(pairs):
        covered = (
            f"g.p{rule}" if proof is None else f"CASE WHEN g.p{rule} = 1 AND g.e{proof} = 1 THEN 1 ELSE 0 END"
        )
        sums.append(f"SUM(g.p{rule}) AS n{n}, SUM({covered}) AS c{n}")
    return f"SELECT g.lvl, g.k, {', '.join(sums)} FROM ({per_person}) g GROUP BY g.lvl, g.k", params


def _counts(
    indicators: list[Indicator],
    *,
    path_prefix: str,
    depths: Sequence[int],
    start: datetime.date,
    as_of: datetime.date,
    plan: ReadPlan,
) -> dict[int, dict[str, Counts]]:
    sources = sorted({ind.population_source for ind in indicators})
    rules, keys, pairs, column_of = _columns(indicators)
    branches, params = [], []
    for people in plan.people:
        sql, branch_params = _branch(
            sources,
            rules,
            keys,
            pairs,
            people=people,
            scan=plan.scan,
            whole_tree=plan.whole_tree,
            path_prefix=path_prefix,
            depths=depths,
            start=start,
            as_of=as_of,
        )
        branches.append(sql)
        params += branch_params
    if len(branches) == 1:
        sql = branches[0]
    else:
        sums = ", ".join(f"SUM(b.n{n}), SUM(b.c{n})" for n in range(len(pairs)))
        sql = f"SELECT b.lvl, b.k, {sums} FROM ({' UNION ALL '.join(branches)}) b GROUP BY b.lvl, b.k"

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

    One query whatever the number of indicators, units or people, plus one to
    choose how to read. Units without anyone in a population are absent.
    """
    indicators, depths = list(indicators), sorted(set(depths))
    if not depths or not indicators:
        return {ind.pk: {} for ind in indicators}
    with transaction.atomic(savepoint=False):
        plan = _read_plan(path_prefix)
        return _counts(
            indicators, path_prefix=path_prefix, depths=depths, start=start, as_of=as_of, plan=plan
        )


@dataclass(frozen=True)
class ReadPlan:
    """How a report reads the proofs: ``scan`` them once for the period (a
    large subtree) or probe each person's (a small one); the person id
    ranges it is split into; and whether the subtree is the whole tree (no
    path to compare row by row)."""

    scan: bool
    people: list[tuple[int, int] | None]
    whole_tree: bool = False


def _read_plan(path_prefix: str) -> ReadPlan:
    """In one query: the share of the units under ``path_prefix`` and the
    range of person ids; on PostgreSQL, settings for the report's statements
    too, for this transaction only (no JIT compilation, which costs seconds
    on statements that run in hundreds of milliseconds; a high price on
    moving rows between processes, so that the planner runs the person
    ranges side by side; memory enough to hash the sums per unit, too little
    to hash a nation's people, who are grouped in the order the person index
    gives them).

    A subtree holding at least ``COVERAGE_SCAN_SHARE`` of the units is read
    in one pass over the period's proofs, split into person ranges on
    PostgreSQL; a smaller one probes each of its people's proofs through an
    index, in one piece.
    """
    units, people = _t(OrgUnit), _t(Person)
    sql = (
        f"SELECT (SELECT COUNT(*) FROM {units} WHERE path LIKE %s), (SELECT COUNT(*) FROM {units}),"
        f" (SELECT MIN(id) FROM {people}), (SELECT MAX(id) FROM {people})"
    )
    if connection.vendor == "postgresql":
        sql += (
            ", set_config('jit', 'off', true), set_config('parallel_tuple_cost', '1', true),"
            " set_config('work_mem', '8MB', true)"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [path_prefix + "%"])
        inside, everywhere, low, high = cursor.fetchone()[:4]
    scan = inside >= settings.COVERAGE_SCAN_SHARE * everywhere
    split = scan and connection.vendor == "postgresql"
    return ReadPlan(scan=scan, people=_split(low, high) if split else [None], whole_tree=inside == everywhere)


# --- listing ------------------------------------------------------------------------------


def _members(indicator: Indicator, column: str, *, path_prefix: str, as_of: datetime.date) -> RawSQL:
    """``column`` of the member rows that put people in the indicator's
    population under ``path_prefix``."""
    where, where_params = _source_where([indicator.population_source], path_prefix, as_of)
    rule, rule_params = _rule(indicator)
    sql = f"SELECT r.{column} FROM {_t(Member)} r WHERE {where} AND {rule}"
    return RawSQL(sql, [*where_params, *rule_params])


def population_row_ids(indicator: Indicator, *, path_prefix: str, as_of: datetime.date) -> RawSQL:
    """Ids of the affiliations or cadre positions that put people in the
    indicator's population under ``path_prefix`` (for ``pk__in``)."""
    return _members(indicator, "row_id", path_prefix=path_prefix, as_of=as_of)


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
    people = Person.objects.filter(
        pk__in=_members(indicator, "person_id", path_prefix=path_prefix, as_of=as_of)
    )
    if indicator.evidence == Indicator.Evidence.NONE:
        return people.none() if which == "missing" else people
    proof = _evidence_person_ids(indicator, start=start, as_of=as_of)
    if which == "covered":
        return people.filter(pk__in=proof)
    if which == "missing":
        return people.exclude(pk__in=proof)
    return people
