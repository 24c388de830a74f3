"""Pages of the coverage report: the report, its exports, and the people
behind each number. Every view parses its input with ``resolve_report``,
which applies the official's scope."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lms.coverage import exports
from lms.coverage.presentation import STATUS_LABELS, report_view
from lms.coverage.selectors import (
    WHICH,
    CoverageError,
    ancestors_in_scope,
    coverage_for_unit,
    people_behind,
    person_places,
    resolve_report,
    visible_plans,
)

PAGE_SIZE = 50


def coverage_page(view):
    """Login required; a ``CoverageError`` becomes a plain page with its status."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except CoverageError as error:
            return render(
                request,
                "coverage/error.html",
                {"message": error.message, "page_title": True},
                status=error.status,
            )

    return wrapper


def _args(request, *, require_indicator: bool = False):
    return resolve_report(
        user=request.user,
        plan=request.GET.get("plan") or None,
        org_unit=request.GET.get("org_unit") or None,
        as_of=request.GET.get("as_of") or None,
        indicator=request.GET.get("indicator") or None,
        require_indicator=require_indicator,
    )


def _attachment(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@coverage_page
def report(request):
    args = _args(request)
    result = coverage_for_unit(plan=args.plan, unit=args.org_unit, as_of=args.as_of)
    view = report_view(result, compare=request.GET.get("compare"))
    return render(
        request,
        "coverage/report.html",
        {
            "page_title": True,  # base.html then appends " · Nâng Tầm"
            "view": view,
            "report": result,
            "plans": visible_plans(request.user),
            "ancestors": ancestors_in_scope(unit=args.org_unit, user=request.user),
            "query": {
                "plan": args.plan.code,
                "org_unit": args.org_unit.code,
                "as_of": args.as_of.isoformat(),
            },
        },
    )


@coverage_page
def export(request, fmt: str):
    if fmt not in ("csv", "xlsx", "pdf"):
        raise Http404
    args = _args(request)
    result = coverage_for_unit(plan=args.plan, unit=args.org_unit, as_of=args.as_of)
    if fmt == "csv":
        content = exports.report_csv(result)
    elif fmt == "xlsx":
        content = exports.report_xlsx(result)
    else:
        content = exports.report_pdf(result, compare=request.GET.get("compare"))
    return _attachment(content, fmt, exports.filename(result, fmt))


def _people(request):
    args = _args(request, require_indicator=True)
    which = request.GET.get("which") or "missing"
    if which not in WHICH:
        which = "missing"
    people = people_behind(
        plan=args.plan, indicator=args.indicator, unit=args.org_unit, as_of=args.as_of, which=which
    )
    return args, which, people


@coverage_page
def people(request):
    args, which, people = _people(request)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(person, person_places(person)) for person in page.object_list]
    return render(
        request,
        "coverage/people.html",
        {
            "page_title": True,
            "args": args,
            "which": which,
            "which_label": _which_label(which),
            "page": page,
            "rows": rows,
            "query": {
                "plan": args.plan.code,
                "org_unit": args.org_unit.code,
                "as_of": args.as_of.isoformat(),
                "indicator": args.indicator.code,
                "which": which,
            },
            "tabs": [(key, _which_label(key)) for key in WHICH],
            "status_labels": STATUS_LABELS,
        },
    )


def _which_label(which: str) -> str:
    return {
        "covered": _("Đã đạt"),
        "missing": _("Chưa đạt"),
        "all": _("Tất cả"),
    }[which]


@coverage_page
def people_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    args, which, people = _people(request)
    people = people.iterator(chunk_size=2000)
    name = f"danh-sach-{which}-{args.plan.code}-{args.indicator.code}-{args.org_unit.code}-{args.as_of:%Y%m%d}.{fmt}"
    if fmt == "csv":
        content = exports.people_csv(people, args.indicator)
    else:
        title = (
            f"{args.indicator.name} – {_which_label(which)} – {args.org_unit.name} – {args.as_of:%d/%m/%Y}"
        )
        content = exports.people_xlsx(people, args.indicator, title=title)
    return _attachment(content, fmt, name)
