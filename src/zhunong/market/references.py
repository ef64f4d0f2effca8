"""Reference market prices imported from a workbook: one sheet, a header row 分类编码, 计量
(g or ml), 参考价（元/500克）, 来源, 日期; all rows or none."""

import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhunong import inputs
from zhunong.uploads import Limits, Refused, open_archive

from . import pricewatch
from .models import Category

HEADER = ["分类编码", "计量", "参考价（元/500克）", "来源", "日期"]
LIMITS = Limits(unpacked=4 * 1024 * 1024, members=100, ratio=100, shared_strings=20_000)


def read(upload) -> list[dict]:
    """The rows of the workbook, each checked; every bad row named."""
    from openpyxl import load_workbook

    data = upload.read()
    try:
        open_archive(data, LIMITS).close()
    except Refused as exc:
        raise ValidationError({"file": str(exc)}) from exc
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    if not rows or [str(c or "").strip() for c in rows[0][:5]] != HEADER:
        raise ValidationError({"file": _("第1行应为：%(h)s") % {"h": "、".join(HEADER)}})
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=False)}
    found, errors = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in row):
            continue
        code, measure, price, source, on = (list(row) + [None] * 5)[:5]
        try:
            category = categories.get(str(code or "").strip())
            if category is None:
                raise ValidationError(_("分类编码 %(c)s 不是二级分类") % {"c": code})
            measure = str(measure or "g").strip().lower()
            if measure not in ("g", "ml"):
                raise ValidationError(_("计量只能是 g 或 ml"))
            found.append(
                {
                    "category": category,
                    "measure": measure,
                    "price": inputs.amount(price if price is not None else ""),
                    "source": str(source or "").strip(),
                    "on": inputs.day(on.date() if hasattr(on, "date") else (on or "")),
                }
            )
        except ValidationError as exc:
            errors.append(_("第%(n)s行：%(m)s") % {"n": number, "m": "；".join(exc.messages)})
    if errors:
        raise ValidationError({"file": errors})
    return found


@transaction.atomic
def import_workbook(*, actor, upload) -> int:
    rows = read(upload)
    for row in rows:
        pricewatch.reference_add(actor=actor, **row)
    return len(rows)
