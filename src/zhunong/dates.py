"""Dates as people type them: 2025-03-01, 2025/3/1, 2025.3.1."""

import re
from datetime import date

DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")


def parse_date(text: str) -> date | None:
    match = DATE.match((text or "").strip())
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
