"""``generate_scale_data``: a deterministic national-scale registry for the
coverage benchmark (bulk writes: COPY on PostgreSQL)."""

from __future__ import annotations

import time
from dataclasses import fields

from django.core.management.base import BaseCommand, CommandError

from lms.coverage.scale import ScaleGenerator, Sizes
from lms.registry.models import OrgUnit


class Command(BaseCommand):
    help = "Sinh dữ liệu thử tải quy mô toàn quốc (xác định, ghi hàng loạt)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Nhân mọi số lượng (ví dụ 0.02)")
        parser.add_argument("--seed", type=int, default=2024)
        defaults = Sizes()
        for f in fields(Sizes):
            parser.add_argument(
                f"--{f.name}", type=int, default=None, help=f"mặc định {getattr(defaults, f.name)}"
            )

    def handle(self, *args, scale, seed, **options):
        if scale <= 0:
            raise CommandError("--scale phải lớn hơn 0.")
        if OrgUnit.objects.filter(code="VN").exists():
            raise CommandError("Dữ liệu thử tải đã có (địa bàn VN); dùng một cơ sở dữ liệu mới.")
        sizes = Sizes().scaled(scale)
        overrides = {f.name: options[f.name] for f in fields(Sizes) if options.get(f.name) is not None}
        if overrides:
            sizes = Sizes(**{**sizes.__dict__, **overrides})
        started = time.perf_counter()
        summary = ScaleGenerator(sizes, seed=seed, log=lambda m: self.stdout.write(f"  {m}")).run()
        self.stdout.write(
            f"Kế hoạch {summary.plan.code}, gốc {summary.root.code}: xong sau {time.perf_counter() - started:.0f} giây."
        )
