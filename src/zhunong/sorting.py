"""Sorting a list page by one of its columns: `?sort=name` ascending, `?sort=-name` descending.
Each page names the columns it offers (key → the fields, or for a list built in Python the value
to sort by); anything else, a typo or an old link, leaves the page's own order. A sort always
ends with the primary key (or the row's own order), so the pages of a sorted list never overlap
or skip a row."""

from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Value, When


@dataclass(frozen=True)
class Sort:
    key: str = ""  # a column the page offers; "" for the page's own order
    descending: bool = False

    @property
    def param(self) -> str:
        return ("-" if self.descending else "") + self.key if self.key else ""


def chosen(request, columns) -> Sort:
    """The sort asked for (`sort`), if its column is one the page offers."""
    asked = request.GET.get("sort", "")
    key = asked.removeprefix("-")
    return Sort(key, asked.startswith("-")) if key in columns else Sort()


def ordered(queryset, sort: Sort, columns: dict[str, tuple[str, ...]], tie: str = "pk"):
    """The queryset in the chosen order, ties by `tie` (the primary key, or a unique column the
    way an index orders it when the column ascends: `-order_no` for an index on ordered_on
    descending then order_no, read backwards; it turns with the direction); a row without a
    value (an order not completed) last either way, on SQLite and PostgreSQL alike. The page's
    own order otherwise."""
    if not sort.key:
        return queryset
    sign = "-" if sort.descending else ""
    fields = []
    for name in columns[sort.key]:
        if not isinstance(name, str):  # an expression, such as `in_order_of`
            fields.append(name.desc() if sort.descending else name.asc())
        elif queryset.model._meta.get_field(name).null:
            by = F(name)
            fields.append(by.desc(nulls_last=True) if sort.descending else by.asc(nulls_last=True))
        else:  # as an index has it, so PostgreSQL can read a page of it in order
            fields.append(sign + name)
    if sort.descending:
        tie = tie.removeprefix("-") if tie.startswith("-") else "-" + tie
    return queryset.order_by(*fields, tie)


def in_order_of(field: str, choices) -> Case:
    """A choice field sorted in the order its choices are declared (a filing's chain, a unit's
    kinds), not by the stored codes' spelling, which reads as no order at all in Chinese."""
    return Case(
        *(When(**{field: value}, then=Value(n)) for n, value in enumerate(choices.values)),
        default=Value(len(choices.values)),
        output_field=IntegerField(),
    )


def sorted_rows(rows: list, sort: Sort, columns: dict) -> list:
    """A list built in Python, in the chosen order (a stable sort: ties keep the page's order);
    `columns` maps each key to a function of a row. A row without a value (None) goes last."""
    if not sort.key:
        return rows
    value = columns[sort.key]
    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    return sorted(present, key=value, reverse=sort.descending) + missing


def queries_for(request, sort: Sort, **fixed) -> dict[str, str]:
    """The page's query without its page number (and with `fixed` values, such as the year a
    bare page shows): `query` keeps the sort (for the pager and downloads), `heads_query` drops
    it (for the column heads, which set their own)."""
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    for name, value in fixed.items():
        query[name] = value
    heads = query.copy()
    heads.pop("sort", None)
    return {"query": query.urlencode(), "heads_query": heads.urlencode(), "sort": sort.param}
