"""Laws, rules and normative documents, their versions and search."""

from datetime import date

from django.apps import AppConfig


class LawsConfig(AppConfig):
    name = "fazhi.laws"
    label = "laws"
    verbose_name = "法规规章规范性文件库"

    def ready(self) -> None:
        from fazhi.laws import labels

        labels.register()
        from fazhi.core import nav
        from fazhi.core.models import Permission

        nav.register(nav.NavItem("法规库", "法规检索", "laws:search", order=500))
        nav.register(nav.NavItem("法规库", "规范性文件管理", "laws:normative_list", order=510))
        nav.register(
            nav.NavItem(
                "法规库",
                "文件清理",
                "laws:cleanup_list",
                order=520,
                allowed=lambda u: u.has_fazhi_perm(Permission.LEGAL_REVIEW),
            )
        )
        from fazhi.core import jobs

        jobs.register("laws.normative_expire", "规范性文件有效期届满", _expire_normative_documents)
        nav.register_public(
            nav.PublicLink(
                "法规查询",
                "laws_public:search",
                "查询法律、法规、规章和本市行政规范性文件",
                order=10,
            )
        )


def _expire_normative_documents(today: date) -> str:
    from django.core.exceptions import ValidationError

    from fazhi.laws.services import normative_expire_due

    try:
        expired = normative_expire_due(actor=None, today=today)
    except ValidationError as exc:  # a date the job refuses: said, and the other jobs run
        return "未处理：" + " ".join(exc.messages)
    return f"标为失效 {len(expired)} 件"
