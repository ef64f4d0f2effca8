"""Search in Chinese that finds what people type (ADR 0017).

A listing is indexed as terms: the words jieba finds in its name (search mode, so 五常大米 gives
五常, 大米 and 五常大米) and every single character of the name, so one-character queries (米, 茶)
find it too; then the words of its description, category, origin (county, city, province) and
supplier. jieba's dictionary is extended with the 832 counties' names and common product names
(market/data/words.txt), so 兰考 or 木耳 are words, not pairs of characters.

A query is cut into words the same way; a listing matches when it has every word. Listings whose
*name* has every word come first, then by sales, then the newest: the same order on both
databases.

- PostgreSQL: a `tsvector` column on market_product (`search_vector`), name terms weighted A and
  the rest B, GIN-indexed, written by `index()` on every save path; queries are tsquery values
  built from the terms (no text parser is involved, so CJK needs no configuration).
- SQLite (the embedded default): an FTS5 table `market_product_fts(name, other)` keyed by the
  product id, written by `index()`.
"""

import logging
import re
import threading
from pathlib import Path

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

WORDS = Path(__file__).resolve().parent / "data" / "words.txt"
CJK = re.compile(r"[\u3400-\u9fff]")
KEEP = re.compile(r"[\w\u3400-\u9fff]+")
COUNTY_SUFFIX = re.compile(r"(土家族苗族自治县|各族自治县|自治县|族自治县|县|市|区|旗)$")
_ready = threading.Lock()
_loaded = False


def _jieba():
    """jieba, with our words added once per process."""
    global _loaded
    import jieba

    if not _loaded:
        with _ready:
            if not _loaded:
                jieba.setLogLevel(logging.WARNING)
                for word in WORDS.read_text(encoding="utf-8").split():
                    jieba.add_word(word)
                from zhunong.regions.models import Region

                for name in Region.objects.filter(is_certified_county=True).values_list(
                    "name", flat=True
                ):
                    jieba.add_word(name)
                    short = COUNTY_SUFFIX.sub("", name)
                    if len(short) >= 2:
                        jieba.add_word(short)
                _loaded = True
    return jieba


def words(text: str) -> list[str]:
    """The words of a text for the index: jieba's search mode, lower-cased, without punctuation."""
    found = []
    for word in _jieba().cut_for_search(text or ""):
        for part in KEEP.findall(word.lower()):
            found.append(part)
    return found


def name_terms(name: str) -> list[str]:
    return sorted(set(words(name)) | set(CJK.findall(name or "")))


def query_terms(query: str) -> list[str]:
    """The words a query asks for: jieba's precise cut (a query is short and chosen)."""
    found = []
    for word in _jieba().cut((query or "").strip()):
        for part in KEEP.findall(word.lower()):
            if part not in found:
                found.append(part)
    return found[:8]


def other_terms(product) -> list[str]:
    origin = product.origin
    places = [origin.name, COUNTY_SUFFIX.sub("", origin.name)]
    parent = origin.parent
    while parent is not None:
        places += [parent.name, parent.short_name or ""]
        parent = parent.parent
    category = product.category
    parts = [
        product.description,
        product.supplier.name,
        category.name,
        category.parent.name if category.parent_id else "",
        " ".join(places),
        " ".join(c.get_kind_display() for c in product.certificates.all()),
    ]
    found = set()
    for part in parts:
        found.update(words(part))
    return sorted(found)


def index(product) -> None:
    """Writes the listing's terms (called by every save path of a listing)."""
    name, other = name_terms(product.name), other_terms(product)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE market_product SET search_vector = %s::tsvector,"
                " name_vector = ts_filter(%s::tsvector, '{a}') WHERE id = %s",
                [_tsvector(name, other), _tsvector(name, []), product.pk],
            )
        else:
            cursor.execute("DELETE FROM market_product_fts WHERE rowid = %s", [product.pk])
            cursor.execute(
                "INSERT INTO market_product_fts(rowid, name, other) VALUES (%s, %s, %s)",
                [product.pk, " ".join(name), " ".join(other)],
            )


def _lexeme(term: str) -> str:
    return "'" + term.replace("\\", "").replace("'", "''") + "'"


def _tsvector(name: list[str], other: list[str]) -> str:
    """The tsvector in its text form: a weight lives on a position, so every term gets one (name
    terms weighted A, the rest B); a term in both keeps both."""
    positions: dict[str, list[str]] = {}
    for number, term in enumerate(name, start=1):
        positions.setdefault(term, []).append(f"{number}A")
    for number, term in enumerate(other, start=len(name) + 1):
        positions.setdefault(term, []).append(f"{min(number, 16383)}B")
    return " ".join(f"{_lexeme(t)}:{','.join(p)}" for t, p in positions.items())


def _tsquery(terms: list[str], weight: str = "") -> str:
    suffix = f":{weight}" if weight else ""
    return " & ".join(_lexeme(t) + suffix for t in terms)


def _fts(terms: list[str], column: str = "") -> str:
    expression = " AND ".join('"' + t.replace('"', "") + '"' for t in terms)
    return f"{column} : ({expression})" if column else expression


def _condition(terms: list[str], *, name_only: bool) -> RawSQL:
    if connection.vendor == "postgresql":
        column = "name_vector" if name_only else "search_vector"
        return RawSQL(f"{column} @@ %s::tsquery", [_tsquery(terms)], BooleanField())
    found = "SELECT rowid FROM market_product_fts WHERE market_product_fts MATCH %s"
    expression = _fts(terms, "name" if name_only else "")
    return RawSQL(f"market_product.id IN ({found})", [expression], BooleanField())


def matching(products: QuerySet, query: str) -> QuerySet:
    """The listings that have every word of the query (all of them for a query without words)."""
    terms = query_terms(query)
    if not terms:
        return products
    return products.filter(_condition(terms, name_only=False))


def name_hits(products: QuerySet, query: str, *, hit: bool) -> QuerySet:
    """Of the matching listings, those whose name has every word of the query (hit) or not."""
    condition = _condition(query_terms(query), name_only=True)
    return products.filter(condition) if hit else products.exclude(condition)


COUNT_CAP = 10_000


def _count_upto(found: QuerySet, cap: int) -> int:
    return found.order_by().values("pk")[:cap].count()


class Ranked:
    """Matches ranked name hits first, then the others, each by sales then the newest: two
    queries that an index on sales can lead, instead of one sort over every match (which at
    400,000 listings costs hundreds of milliseconds for 米). Counted and sliced like a queryset,
    so a Paginator takes it."""

    def __init__(self, matches: QuerySet, query: str):
        self.matches = matches
        self.query = query
        self._counts: tuple[int, int] | None = None
        self.capped = False

    def _parts(self) -> tuple[QuerySet, QuerySet]:
        first = name_hits(self.matches, self.query, hit=True).order_by("-sales", "-id")
        rest = name_hits(self.matches, self.query, hit=False).order_by("-sales", "-id")
        return first, rest

    def counts(self) -> tuple[int, int]:
        """(name hits, others), each counted up to COUNT_CAP: beyond it a count reads tens of
        thousands of rows for a figure nobody pages through (the page says "10000 件以上")."""
        if self._counts is None:
            first, _rest = self._parts()
            hits = _count_upto(first, COUNT_CAP)
            matches = _count_upto(self.matches, COUNT_CAP)
            self.capped = matches >= COUNT_CAP
            self._counts = (hits, max(matches - hits, 0))
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    def __len__(self) -> int:
        return self.count()

    def exists(self) -> bool:
        return self.matches.exists()

    def __iter__(self):
        return iter(self[0 : self.count()])

    def prefetch_related(self, *lookups) -> "Ranked":
        return Ranked(self.matches.prefetch_related(*lookups), self.query)

    def __getitem__(self, key):
        if not isinstance(key, slice):
            found = self[key : key + 1]
            if not found:
                raise IndexError(key)
            return found[0]
        start, stop = key.start or 0, key.stop if key.stop is not None else self.count()
        first, rest = self._parts()
        hits, _others = self.counts()
        found = list(first[start : min(stop, hits)]) if start < hits else []
        if stop > hits:
            found += list(rest[max(start - hits, 0) : stop - hits])
        return found


def reindex_all(batch: int = 2000) -> int:
    """Every listing indexed again (after the word list changes, or for the benchmark)."""
    from .models import Product

    count = 0
    products = Product.objects.select_related("supplier", "category__parent", "origin__parent")
    for product in products.prefetch_related("certificates").iterator(chunk_size=batch):
        index(product)
        count += 1
    return count
