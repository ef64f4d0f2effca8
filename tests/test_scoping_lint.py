"""Views and API modules reach protected data only through `zhunong.access` (and the scoped
queries built on it): a direct `<Model>.objects` there would bypass the one place that decides
what a user may see."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "zhunong"
PROTECTED = [
    "Unit",
    "UnitEvent",
    "Account",
    "Membership",
    "Region",
    "Supplier",
    "SupplierStep",
    "Credential",
    "Producer",
    "Product",
    "ProductPhoto",
    "Certificate",
    "PurchaseLine",
    "Reservation",
    "ImportBatch",
    "Notice",
    "NoticeTemplate",
    "YearSettings",
    "Order",
    "OrderLine",
    "OrderEvent",
    "Purchase",
    "CartItem",
    "Refund",
]
DIRECT = re.compile(r"\b(" + "|".join(PROTECTED) + r")\.(objects|history)\b")


def entry_modules():
    yield from PACKAGE.glob("*/views.py")
    yield from PACKAGE.glob("*/api.py")
    yield from PACKAGE.glob("*/*_views.py")
    yield from PACKAGE.glob("*/*_api.py")
    yield PACKAGE / "api.py"


def test_views_and_api_do_not_query_protected_models_directly():
    offenders = []
    for path in entry_modules():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if DIRECT.search(line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_lint_would_catch_a_direct_query():
    assert DIRECT.search("units = Unit.objects.filter(region=region)")
    assert not DIRECT.search("units = access.visible_units(request.user)")
