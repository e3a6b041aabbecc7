"""`python manage.py loaddemo`: build the case community 澜菲溪岸社区 (idempotent, seeded)."""

import time

from django.core.management.base import BaseCommand

from roundtable.demo.builder import build, counts
from roundtable.demo.table import pad

LABELS = [
    ("compounds", "小区 (compounds)"),
    ("buildings", "楼栋 (buildings)"),
    ("flats", "房屋 (flats)"),
    ("unsold", "  其中开发商未售 (of which unsold)"),
    ("parking_spaces", "车位 (parking spaces)"),
    ("households", "住户 (households with residents)"),
    ("residents", "居民 (residents)"),
    ("residencies", "居住关系 (residencies)"),
    ("grids", "网格 (grids)"),
    ("stations", "驿站与议事厅 (stations)"),
    ("organisations", "单位 (organisations)"),
    ("roles", "角色 (role assignments)"),
]


class Command(BaseCommand):
    help = "Build the demo community 澜菲溪岸社区 from the case; running it again changes nothing."

    def handle(self, *args, **options):
        started = time.monotonic()
        result = build()
        community = result.community
        self.stdout.write(f"{community.name} ({community.code}) · {community.street.name}")
        for key, value in counts(community).items():
            self.stdout.write(f"  {pad(dict(LABELS)[key], 36)} {value:>6,}")
        self.stdout.write(self._import_line(result.report))
        took = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"演示数据已就绪 (demo data ready) in {took:.1f} s"))

    def _import_line(self, report):
        """One line on what the household-register import changed."""
        if not report.changed:
            return f"  名册 (register): {report.rows:,} 行均无变化 (rows, nothing changed)"
        done = ", ".join(f"{label} {value:,}" for label, value in report.summary()[1:] if value)
        return f"  名册 (register): {report.rows:,} 行 (rows) — {done}"
