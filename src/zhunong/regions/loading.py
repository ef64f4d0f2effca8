"""Loads the built-in divisions and the 832 certified counties from the CSV files in `data/`.

Used by the data migration, so that every database has them after `zhunong migrate` alone.
"""

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}


def read_divisions() -> list[dict]:
    with open(DATA / "regions.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows.sort(key=lambda r: (LEVEL_ORDER[r["level"]], r["code"]))
    return rows


def read_certified_codes() -> set[str]:
    with open(DATA / "certified_counties.csv", encoding="utf-8", newline="") as f:
        return {row["code"] for row in csv.DictReader(f)}


def load_regions(region_model) -> int:
    """Creates every division missing from the table (parents before children); returns how many."""
    certified = read_certified_codes()
    existing = set(region_model.objects.values_list("code", flat=True))
    paths = dict(region_model.objects.values_list("code", "path"))
    new = []
    for row in read_divisions():
        code = row["code"]
        parent = row["parent_code"] or None
        paths[code] = (paths[parent] if parent else "") + code + "/"
        if code in existing:
            continue
        new.append(
            region_model(
                code=code,
                name=row["name"],
                parent_id=parent,
                level=row["level"],
                path=paths[code],
                is_certified_county=code in certified,
                is_builtin=True,
            )
        )
    region_model.objects.bulk_create(new, batch_size=1000)
    return len(new)
