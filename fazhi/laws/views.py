"""Pages of the laws module: public search and reading (no login), staff search, and the
normative-document register (三统一, 公布, 备案, 清理)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.core.models import Permission
from fazhi.core.params import int_param
from fazhi.core.scoping import get_scoped_or_404
from fazhi.laws import selectors, services
from fazhi.laws.forms import (
    CleanupCreateForm,
    CleanupDecideForm,
    FileForm,
    NormativeCreateForm,
    PublishForm,
    RegisterForm,
    SearchForm,
)
from fazhi.laws.models import Kind, LawDocument, NormativeStage, Status
from fazhi.laws.search import Filters, QueryError, search
from fazhi.laws.text import normalise_article_label

PAGE_SIZE = 20
# Pages a search can be turned to (beyond them, more words narrow it).
MAX_PAGES = 50


def _labels() -> dict[str, dict[str, str]]:
    return {"kind": dict(Kind.choices), "status": dict(Status.choices)}


def _search_context(request: HttpRequest, public: bool) -> dict[str, Any]:
    form = SearchForm(request.GET or None)
    # The three lists are written out by the template: Django's widget rendering costs
    # more than the search itself on this page.
    names = ("kind", "status", "sort")
    context: dict[str, Any] = {
        "form": form, "public": public, "labels": _labels(),
        "bodies": selectors.issuing_bodies(), "results": None, "error": "",
        "choices": {n: form.fields[n].choices for n in names},  # type: ignore[attr-defined]
        "selected": {n: request.GET.get(n, "") for n in names},
    }  # fmt: skip
    if not request.GET:
        return context
    if not form.is_valid():
        context["error"] = "筛选条件有误：" + "；".join(
            f"{form.fields[k].label}：{''.join(str(e) for e in v)}" for k, v in form.errors.items()
        )
        return context
    data = form.cleaned_data
    page, notes = _page(request.GET.get("page", ""))
    try:
        results = search(
            data["q"],
            filters=Filters(
                kind=data["kind"], status=data["status"], issuing_body=data["body"].strip(),
                year=data["year"],
            ),
            sort=data["sort"] or "relevance", offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE,
        )  # fmt: skip
    except QueryError as exc:
        context["error"] = " ".join(exc.messages)
        return context
    shown = results.offset // PAGE_SIZE + 1
    asked = request.GET.get("page", "").strip()
    if not notes and asked and int(asked) > shown:
        pages = f"最多显示 {MAX_PAGES} 页" if results.more else f"共 {shown} 页"
        notes = [f"第 {asked} 页超出范围，{pages}，以下为第 {shown} 页。"]
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        results=results, page=shown, page_notes=notes, base_query=query.urlencode(),
        start=results.offset + 1, has_next=results.more and shown < MAX_PAGES,
        has_prev=shown > 1, next_page=shown + 1, prev_page=shown - 1,
    )  # fmt: skip
    return context


def _page(raw: str) -> tuple[int, list[str]]:
    """The page asked for and what to say about it: a number past the pages that can be
    shown asks for the last one; anything that is not a page number gives the first."""
    text = raw.strip()
    if not text:
        return 1, []
    page = int_param(text, low=1)
    if page is not None:
        return min(page, MAX_PAGES), []
    if text.isascii() and text.isdigit() and int(text) > 0:  # more digits than any id
        return MAX_PAGES, []
    return 1, [f"页码“{text[:20]}”无效，以下为第 1 页。"]


@login_not_required
def public_search(request: HttpRequest) -> HttpResponse:
    return render(request, "laws/search.html", _search_context(request, public=True))


def staff_search(request: HttpRequest) -> HttpResponse:
    context = _search_context(request, public=False)
    context["breadcrumbs"] = [{"label": "法规库"}, {"label": "法规检索"}]
    return render(request, "laws/search.html", context)


def _date_param(request: HttpRequest, name: str) -> date | None:
    value = request.GET.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise Http404("日期格式应为 YYYY-MM-DD") from exc


@login_not_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    law = get_object_or_404(LawDocument, pk=pk)
    chosen = _date_param(request, "v")
    on = _date_param(request, "on")
    version = selectors.version_at(law, chosen) if chosen else selectors.version_on(law, on)
    if version is None:
        raise Http404("该日期没有有效的文本")
    provisions = selectors.provisions_of(version)
    versions = selectors.versions_of(law)
    return render(
        request,
        "laws/document.html",
        {
            "law": law, "version": version, "versions": versions, "provisions": provisions,
            "toc": selectors.table_of_contents(provisions), "on": on, "labels": _labels(),
            "is_latest": versions and versions[0].pk == version.pk,
        },
    )  # fmt: skip


@login_not_required
def article(request: HttpRequest, pk: int, label: str) -> HttpResponse:
    law = get_object_or_404(LawDocument, pk=pk)
    chosen = _date_param(request, "v")
    version = selectors.version_at(law, chosen) if chosen else selectors.version_on(law)
    if version is None:
        raise Http404("没有该版本")
    provision = version.provisions.filter(label=normalise_article_label(label)).first()
    if provision is None:
        raise Http404("没有这一条")
    return render(
        request,
        "laws/article.html",
        {"law": law, "version": version, "provision": provision, "labels": _labels()},
    )


@login_not_required
def compare(request: HttpRequest, pk: int) -> HttpResponse:
    law = get_object_or_404(LawDocument, pk=pk)
    versions = selectors.versions_of(law)
    if len(versions) < 2:
        messages.info(request, "该文件只有一个版本，无法对照。")
        return redirect("laws_public:document", pk=law.pk)
    old_date, new_date = _date_param(request, "a"), _date_param(request, "b")
    old = selectors.version_at(law, old_date) if old_date else versions[1]
    new = selectors.version_at(law, new_date) if new_date else versions[0]
    if old is None or new is None:
        raise Http404("没有该版本")
    if old.version_date > new.version_date:
        old, new = new, old
    rows = selectors.compare_versions(old, new)
    counts = {s: sum(1 for r in rows if r.state == s) for s in ("changed", "added", "removed")}
    return render(
        request,
        "laws/compare.html",
        {"law": law, "old": old, "new": new, "rows": rows, "versions": versions, "counts": counts},
    )


# --- staff: normative documents ----------------------------------------------------------


def _today() -> date:
    return timezone.localdate()


def normative_list(request: HttpRequest) -> HttpResponse:
    today = _today()
    docs = selectors.normative_for(request.user).order_by("-created_at")[:200]
    warn = services.expiry_warning_days()
    rows = [
        {"doc": d, "expiry": d.expiry_state(today, warn), "filing_overdue": d.filing_overdue(today)}
        for d in docs
    ]
    return render(
        request,
        "laws/normative_list.html",
        {
            "rows": rows,
            "expiring": selectors.normative_expiring(request.user, today)[:20],
            "overdue": selectors.normative_filing_overdue(request.user, today)[:20],
            "breadcrumbs": [{"label": "法规库"}, {"label": "规范性文件管理"}],
            "can_create": request.user.has_fazhi_perm(Permission.HANDLE_CASES)  # type: ignore[union-attr]
            or request.user.has_fazhi_perm(Permission.LEGAL_REVIEW),  # type: ignore[union-attr]
        },
    )


def normative_create(request: HttpRequest) -> HttpResponse:
    form = NormativeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            doc = services.normative_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已登记为起草中的规范性文件。")
            return redirect("laws:normative_detail", pk=doc.pk)
    return render(
        request,
        "laws/normative_form.html",
        {
            "form": form,
            "breadcrumbs": [
                {"label": "规范性文件管理", "url": reverse("laws:normative_list")},
                {"label": "新建"},
            ],
        },
    )


def normative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = get_scoped_or_404(selectors.normative_for(request.user), request.user, pk=pk)
    today = _today()
    return render(
        request,
        "laws/normative_detail.html",
        {
            "doc": doc, "today": today,
            "expiry": doc.expiry_state(today, services.expiry_warning_days()),
            "filing_overdue": doc.filing_overdue(today),
            "register_form": RegisterForm(initial={"on": today}),
            "publish_form": PublishForm(initial={"published_on": today}),
            "file_form": FileForm(initial={"filed_on": today}),
            "stages": NormativeStage,
            "decisions": doc.cleanup_decisions.select_related("round"),
            "breadcrumbs": [
                {"label": "规范性文件管理", "url": reverse("laws:normative_list")},
                {"label": doc.title},
            ],
        },
    )  # fmt: skip


def _act(request: HttpRequest, pk: int, form_class: type, action: str) -> HttpResponseRedirect:
    doc = get_scoped_or_404(selectors.normative_for(request.user), request.user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}：{'；'.join(errors)}" if label else "；".join(errors))
        return redirect("laws:normative_detail", pk=doc.pk)
    try:
        if action == "register":
            services.normative_register(actor=request.user, document=doc, **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, "已统一登记编号。")
        elif action == "publish":
            services.normative_publish(actor=request.user, document=doc, **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, "已公布，公众可以检索到该文件。")
        else:
            services.normative_file(actor=request.user, document=doc, **form.cleaned_data)  # type: ignore[arg-type]
            messages.success(request, "已记录报送备案。")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    return redirect("laws:normative_detail", pk=doc.pk)


@require_POST
def normative_register(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, RegisterForm, "register")


@require_POST
def normative_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, PublishForm, "publish")


@require_POST
def normative_file(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, FileForm, "file")


# --- staff: 清理 ----------------------------------------------------------------------------


def cleanup_list(request: HttpRequest) -> HttpResponse:
    form = CleanupCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cleanup = services.cleanup_round_create(actor=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            return redirect("laws:cleanup_detail", pk=cleanup.pk)
    return render(
        request,
        "laws/cleanup_list.html",
        {
            "rounds": selectors.cleanup_rounds_for(request.user),
            "form": form,
            "breadcrumbs": [{"label": "法规库"}, {"label": "文件清理"}],
        },
    )


def cleanup_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cleanup = get_scoped_or_404(selectors.cleanup_rounds_for(request.user), request.user, pk=pk)
    if request.method == "POST":
        form = CleanupDecideForm(request.POST)
        try:
            if request.POST.get("close"):
                services.cleanup_close(actor=request.user, cleanup=cleanup, closed_on=_today())  # type: ignore[arg-type]
                messages.success(request, "清理工作已结束。")
            elif form.is_valid():
                doc = get_scoped_or_404(
                    selectors.normative_for(request.user),
                    request.user,
                    pk=form.cleaned_data["document"],
                )
                services.cleanup_decide(
                    actor=request.user, cleanup=cleanup, document=doc,  # type: ignore[arg-type]
                    outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"],
                )  # fmt: skip
                messages.success(request, f"已记录《{doc.title}》的清理结论。")
            else:
                messages.error(
                    request,
                    "；".join(
                        f"{form.fields[k].label}：{''.join(str(e) for e in v)}"
                        for k, v in form.errors.items()
                    ),
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        return redirect("laws:cleanup_detail", pk=cleanup.pk)
    decided = {d.document_id: d for d in cleanup.decisions.all()}
    docs = selectors.normative_for(request.user).filter(stage=NormativeStage.PUBLISHED)
    return render(
        request,
        "laws/cleanup_detail.html",
        {
            "cleanup": cleanup,
            "rows": [{"doc": d, "decision": decided.get(d.pk)} for d in docs],
            "form": CleanupDecideForm(),
            "breadcrumbs": [
                {"label": "文件清理", "url": reverse("laws:cleanup_list")},
                {"label": cleanup.title},
            ],
        },
    )
