"""Pages for units, users and the audit trail (系统管理). Reads are scoped; writes use services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.core import selectors, services
from fazhi.core.exports import XLSX, issuing_unit, xlsx_bytes
from fazhi.core.forms import AuditFilterForm, OrganisationForm, SetPasswordForm, UserForm
from fazhi.core.models import Organisation, OrgKind, Permission, Role, User
from fazhi.core.paging import CappedPaginator
from fazhi.core.scoping import get_scoped_or_404, get_visible_or_404

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # every page here requires a login
    return user


def _need(user: User, perm: str) -> None:
    if not user.has_fazhi_perm(perm):
        services._require(user, perm)


def _errors(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    texts = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
    for text in texts:
        messages.error(request, text)


# --- units ---------------------------------------------------------------------


def org_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    q = request.GET.get("q", "").strip()[:64]
    kind = request.GET.get("kind", "")
    orgs = selectors.organisations_for(user, q=q, kind=kind if kind in OrgKind.values else "")
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    base_depth = min((o.path.count("/") for o in page), default=0)
    rows = [{"org": o, "indent": range(o.path.count("/") - base_depth)} for o in page]
    return render(
        request, "core/org_list.html",
        {
            "page": page, "rows": rows, "q": q, "kind": kind, "kinds": OrgKind.choices,
            "can_manage": user.has_fazhi_perm(Permission.MANAGE_ORGS),
            "breadcrumbs": [{"label": "单位管理"}],
        },
    )  # fmt: skip


def org_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    org = get_visible_or_404(Organisation.objects.select_related("division", "parent"), user, pk=pk)
    return render(
        request, "core/org_detail.html",
        {
            "org": org,
            "children": Organisation.objects.visible_to(user).filter(parent=org),
            "users": User.objects.visible_to(user).filter(unit=org).prefetch_related("roles"),
            "groups": org.groups.all(),
            "can_manage": user.has_fazhi_perm(Permission.MANAGE_ORGS),
            "breadcrumbs": [{"label": "单位管理", "url": reverse("org_list")}, {"label": org.name}],
        },
    )  # fmt: skip


def org_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    _need(user, Permission.MANAGE_ORGS)
    org = get_visible_or_404(Organisation.objects.all(), user, pk=pk) if pk else None
    parents = Organisation.objects.visible_to(user)
    if org is not None:
        parents = parents.exclude(path__startswith=org.path)
    initial: dict[str, Any] = {"is_active": True}
    if org is not None:
        initial = {
            "name": org.name, "short_name": org.short_name, "aliases": "、".join(org.aliases),
            "kind": org.kind, "division": org.division, "parent": org.parent, "uscc": org.uscc,
            "is_enforcement_body": org.is_enforcement_body, "is_active": org.is_active,
        }  # fmt: skip
    form = OrganisationForm(
        request.POST if request.method == "POST" else None, initial=initial, parents=parents
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if org is None:
                org = services.organisation_create(
                    actor=user, name=data["name"], kind=data["kind"], division=data["division"],
                    parent=data["parent"], short_name=data["short_name"], aliases=data["aliases"],
                    uscc=data["uscc"], is_enforcement_body=data["is_enforcement_body"],
                )  # fmt: skip
                messages.success(request, f"已新增单位“{org.name}”。")
            else:
                org = services.organisation_update(
                    actor=user, org=org, name=data["name"], short_name=data["short_name"],
                    aliases=data["aliases"], kind=data["kind"], division=data["division"],
                    parent=data["parent"], uscc=data["uscc"],
                    is_enforcement_body=data["is_enforcement_body"], is_active=data["is_active"],
                )  # fmt: skip
                messages.success(request, f"已保存单位“{org.name}”。")
            return redirect("org_detail", pk=org.pk)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
    title = f"编辑：{org.name}" if org else "新增单位"
    return render(
        request, "core/form_page.html",
        {
            "form": form, "title": title, "submit": "保存",
            "breadcrumbs": [{"label": "单位管理", "url": reverse("org_list")}, {"label": title}],
        },
    )  # fmt: skip


@require_POST
def org_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _need(user, Permission.MANAGE_ORGS)
    org = get_visible_or_404(Organisation.objects.all(), user, pk=pk)
    try:
        services.organisation_delete(actor=user, org=org)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
        return redirect("org_detail", pk=pk)
    messages.success(request, f"已删除单位“{org.name}”。")
    return redirect("org_list")


# --- users ---------------------------------------------------------------------


def _grantable_roles(user: User) -> Any:
    return Role.objects.filter(rank__lte=services._max_rank(user))


def _manageable_units(user: User) -> Any:
    units = Organisation.objects.visible_to(user)
    if user.is_superuser or user.has_fazhi_perm(Permission.MANAGE_SYSTEM) or user.unit is None:
        return units
    return units.filter(path__startswith=user.unit.path)


def user_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    q = request.GET.get("q", "").strip()[:64]
    users = selectors.users_for(user, q=q)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "core/user_list.html",
        {
            "page": page, "q": q, "can_manage": user.has_fazhi_perm(Permission.MANAGE_USERS),
            "breadcrumbs": [{"label": "用户管理"}],
        },
    )  # fmt: skip


def user_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = _user(request)
    _need(user, Permission.MANAGE_USERS)
    target = get_scoped_or_404(User.objects.visible_to(user), user, pk=pk) if pk else None
    if target is not None and not services.can_manage_unit(user, target.unit):
        services._check_user_admin(user, target.unit, [])
    roles = _grantable_roles(user)
    if target is not None:
        roles = roles | Role.objects.filter(users=target)
    initial: dict[str, Any] = {"is_active": True, "unit": user.unit}
    if target is not None:
        initial = {
            "username": target.username, "name": target.name, "unit": target.unit,
            "phone": target.phone, "roles": list(target.roles.all()), "is_active": target.is_active,
        }  # fmt: skip
    form = UserForm(
        request.POST if request.method == "POST" else None, initial=initial,
        units=_manageable_units(user), roles=roles.distinct(), creating=target is None,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        codes = [r.code for r in data["roles"]]
        try:
            if target is None:
                target = services.user_create(
                    actor=user, username=data["username"], name=data["name"], unit=data["unit"],
                    password=data["password"], roles=codes, phone=data["phone"],
                )  # fmt: skip
                messages.success(request, f"已新增用户“{target.name}”。")
            else:
                target = services.user_update(
                    actor=user, user=target, name=data["name"], unit=data["unit"],
                    phone=data["phone"], is_active=data["is_active"], roles=codes,
                )  # fmt: skip
                messages.success(request, f"已保存用户“{target.name}”。")
            return redirect("user_list")
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
    title = f"编辑用户：{target.name}" if target else "新增用户"
    return render(
        request, "core/user_form.html",
        {
            "form": form, "title": title, "target": target,
            "password_form": SetPasswordForm() if target else None,
            "breadcrumbs": [{"label": "用户管理", "url": reverse("user_list")}, {"label": title}],
        },
    )  # fmt: skip


@require_POST
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _need(user, Permission.MANAGE_USERS)
    target = get_scoped_or_404(User.objects.visible_to(user), user, pk=pk)
    form = SetPasswordForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, str(text))
        return redirect("user_edit", pk=pk)
    try:
        services.user_set_password(actor=user, user=target, password=form.cleaned_data["password"])
        messages.success(request, f"已为“{target.name}”设置新密码。")
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("user_edit", pk=pk)


# --- audit ---------------------------------------------------------------------

EXPORT_LIMIT = 100_000


def audit_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _need(user, Permission.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events_for(user, filters)
    if request.GET.get("format") == "xlsx":
        return _audit_xlsx(events, user)
    page = CappedPaginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "core/audit_list.html",
        {
            "form": form, "page": page, "query": query.urlencode(),
            "breadcrumbs": [{"label": "审计日志"}],
        },
    )  # fmt: skip


def _audit_xlsx(events: Any, user: Any) -> HttpResponse:
    from fazhi.core import audit_labels

    local = timezone.get_current_timezone()
    rows = (
        (
            e.seq, e.at.astimezone(local).strftime("%Y-%m-%d %H:%M:%S"), e.actor_name or "系统",
            e.ip, audit_labels.action_label(e.action) or e.action,
            audit_labels.object_label(e.object_type), e.object_id, e.object_repr,
            "\n".join(f"{label}：{text}" for label, text in audit_labels.changes(e)),
        )
        for e in events[:EXPORT_LIMIT].iterator()
    )  # fmt: skip
    body = xlsx_bytes(
        "审计日志",
        ["序号", "时间", "操作人", "IP", "操作", "对象类型", "对象编号", "对象", "变更"],
        rows,
        [8, 20, 12, 16, 28, 16, 12, 30, 60],
        unit=issuing_unit(user),
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response
