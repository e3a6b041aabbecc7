"""`python manage.py demo_logins`: the demo accounts, how each logs in, and what to try."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from roundtable.demo.cast import ADMIN, CAST
from roundtable.demo.layout import COMMUNITY
from roundtable.demo.table import render
from roundtable.people.models import Role, User

# The people of the case and its journeys come first, in the order JOURNEYS.md tells them.
FIRST = ["孙阿姨", "小王", "谢经理", "王书记", "姚勇", "陈浩", "李传举", "汪志远"]
HEADER = [
    "角色 (role)",
    "姓名 (name)",
    "手机 (phone)",
    "密码 (password)",
    "职务 (title)",
    "可以试试 (what to try)",
]


def role_label(member):
    """The member's role in Chinese with the English in brackets."""
    if member is ADMIN:
        return "管理员 (admin)"
    if member.role is None:
        return "居民 (resident)"
    with translation.override("zh-hans"):
        chinese = str(Role(member.role).label)
    with translation.override("en"):
        return f"{chinese} ({Role(member.role).label})"


def ordered_cast():
    """Everyone who can log in to the demo: the case's people first, the admin last."""
    rank = {name: i for i, name in enumerate(FIRST)}
    return sorted(CAST, key=lambda m: (rank.get(m.name, len(rank)), m.phone)) + [ADMIN]


class Command(BaseCommand):
    help = "Print the demo logins: role, name, phone, password or SMS code, and what to try."

    def handle(self, *args, **options):
        members = ordered_cast()
        known = set(
            User.objects.filter(phone__in=[m.phone for m in members]).values_list(
                "phone", flat=True
            )
        )
        if not known:
            self.stderr.write(
                "还没有演示数据，请先运行 (no demo data yet; run first): python manage.py loaddemo"
            )
            return
        self.stdout.write(f"演示账号 (demo logins) — {COMMUNITY['name']}: /c/{COMMUNITY['code']}/")
        self.stdout.write(render(HEADER, [self._row(m) for m in members if m.phone in known]))
        self.stdout.write(
            "短信验证码在运行服务器的控制台里显示 (SMS codes appear in the server "
            "console with the default SMS_BACKEND)."
        )

    def _row(self, member):
        login = (
            settings.DEMO_PASSWORD if member.role or member is ADMIN else "短信验证码 (SMS code)"
        )
        return [role_label(member), member.name, member.phone, login, member.title, member.tip]
