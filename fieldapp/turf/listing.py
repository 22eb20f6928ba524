"""The turfs of a race as one filtered, sorted page: the query behind the turfs list and map.

Everything is worked out in SQL (filter, sort, count, one page of rows), so a race of
thousands of turfs costs the same as one of thirty: the page never loads every turf.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from fieldapp.auth.models import User
from fieldapp.races.models import Race
from fieldapp.turf.door_counts import turf_door_counts
from fieldapp.turf.models import Assignment, Turf

PER_PAGE, MAX_PER_PAGE = 50, 200
HOLDERS = ("any", "unassigned", "assigned")
SORTS = ("name", "code", "doors", "knocked", "pct", "volunteer", "shift")


@dataclass
class TurfFilter:
    """What the organizer asked the list for (from the query string; bad values fall back)."""

    holder: str = "any"
    archived: bool = False
    volunteer_id: int | None = None
    shift_date: dt.date | None = None
    min_pct: int | None = None
    max_pct: int | None = None
    q: str = ""
    sort: str = "name"
    desc: bool = False
    page: int = 1
    per_page: int = PER_PAGE

    def args(self, **changes) -> dict[str, str]:
        """The query string of this filter (with changes), leaving defaults out."""
        values = {"holder": self.holder, "archived": "1" if self.archived else "",
                  "volunteer": self.volunteer_id or "", "shift": self.shift_date or "",
                  "min_pct": "" if self.min_pct is None else self.min_pct,
                  "max_pct": "" if self.max_pct is None else self.max_pct, "q": self.q,
                  "sort": self.sort, "desc": "1" if self.desc else "", "page": self.page,
                  "per_page": self.per_page}
        values.update(changes)
        defaults = {"holder": "any", "sort": "name", "page": 1, "per_page": PER_PAGE}
        return {k: str(v) for k, v in values.items() if v not in ("", None) and defaults.get(k) != v}


def _int(raw, low: int, high: int) -> int | None:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return min(max(value, low), high)


def parse_filter(args: Mapping[str, str]) -> TurfFilter:
    """A TurfFilter from request args; anything unreadable is ignored rather than refused."""
    shift = None
    if args.get("shift"):
        try:
            shift = dt.date.fromisoformat(args["shift"])
        except ValueError:
            shift = None
    holder = args.get("holder", "any")
    sort = args.get("sort", "name")
    return TurfFilter(
        holder=holder if holder in HOLDERS else "any", archived=args.get("archived") == "1",
        volunteer_id=_int(args.get("volunteer"), 1, 2**31) if args.get("volunteer") else None,
        shift_date=shift,
        min_pct=_int(args.get("min_pct"), 0, 100) if args.get("min_pct") else None,
        max_pct=_int(args.get("max_pct"), 0, 100) if args.get("max_pct") else None,
        q=(args.get("q") or "").strip()[:100], sort=sort if sort in SORTS else "name",
        desc=args.get("desc") == "1", page=_int(args.get("page"), 1, 10**6) or 1,
        per_page=_int(args.get("per_page"), 10, MAX_PER_PAGE) or PER_PAGE)


@dataclass
class Holder:
    """One active assignment shown in a row."""

    assignment_id: int
    volunteer_id: int
    name: str
    shift_date: dt.date | None


@dataclass
class TurfRow:
    """One line of the turfs table."""

    id: int
    name: str
    code: str | None
    status: str
    doors: int
    knocked: int
    holders: list[Holder] = field(default_factory=list)

    @property
    def pct(self) -> int:
        """Share of doors knocked, in whole percent."""
        return round(100 * self.knocked / self.doors) if self.doors else 0


@dataclass
class TurfPage:
    """One page of rows, the total that matched, and the filter that made it."""

    rows: list[TurfRow]
    total: int
    filter: TurfFilter

    @property
    def pages(self) -> int:
        """How many pages the matching turfs fill."""
        return max(1, -(-self.total // self.filter.per_page))


def _active_assignment(*conditions):
    return sa.exists().where(Assignment.turf_id == Turf.id, Assignment.status == "active",
                             *conditions)


def _query(race: Race, f: TurfFilter):
    """(select of id, name, code, status, doors, knocked; filtered) and its sort keys."""
    counts = turf_door_counts(race.id)
    doors = sa.func.coalesce(counts.c.doors, 0)
    knocked = sa.func.coalesce(counts.c.knocked, 0)
    pct = knocked * 100.0 / sa.func.nullif(doors, 0)
    query = (sa.select(Turf.id, Turf.name, Turf.code, Turf.status, doors.label("doors"),
                       knocked.label("knocked"))
             .outerjoin(counts, counts.c.turf_id == Turf.id)
             .where(Turf.race_id == race.id,
                    Turf.status == ("archived" if f.archived else "active")))
    if f.holder == "unassigned":
        query = query.where(~_active_assignment())
    elif f.holder == "assigned":
        query = query.where(_active_assignment())
    if f.volunteer_id:
        query = query.where(_active_assignment(Assignment.volunteer_id == f.volunteer_id))
    if f.shift_date:
        query = query.where(_active_assignment(Assignment.shift_date == f.shift_date))
    if f.min_pct is not None:
        query = query.where(sa.func.coalesce(pct, 0) >= f.min_pct)
    if f.max_pct is not None:
        query = query.where(sa.func.coalesce(pct, 0) <= f.max_pct)
    if f.q:
        like = f"%{f.q.lower().replace('%', '').replace('_', '')}%"
        query = query.where(sa.or_(sa.func.lower(Turf.name).like(like),
                                   sa.func.lower(sa.func.replace(Turf.code, "-", "")).like(
                                       like.replace("-", ""))))
    holder_name = (sa.select(sa.func.min(sa.func.coalesce(User.name, User.email)))
                   .join(Assignment, Assignment.volunteer_id == User.id)
                   .where(Assignment.turf_id == Turf.id, Assignment.status == "active")
                   .scalar_subquery())
    shift = (sa.select(sa.func.min(Assignment.shift_date))
             .where(Assignment.turf_id == Turf.id, Assignment.status == "active")
             .scalar_subquery())
    keys = {"name": Turf.name, "code": Turf.code, "doors": doors, "knocked": knocked,
            "pct": sa.func.coalesce(pct, 0), "volunteer": holder_name, "shift": shift}
    return query, keys


def list_turfs(db: Session, race: Race, f: TurfFilter) -> TurfPage:
    """One page of a race's turfs matching f, with their active holders."""
    query, keys = _query(race, f)
    total = db.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    key = keys[f.sort]
    order = [key.desc().nulls_last() if f.desc else key.asc().nulls_last(), Turf.name, Turf.id]
    pages = max(1, -(-total // f.per_page))
    f.page = min(f.page, pages)
    rows = [TurfRow(r.id, r.name, r.code, r.status, r.doors, r.knocked) for r in db.execute(
        query.order_by(*order).limit(f.per_page).offset((f.page - 1) * f.per_page))]
    attach_holders(db, rows)
    return TurfPage(rows, total, f)


def attach_holders(db: Session, rows: list[TurfRow]) -> None:
    """Fill each row's active holders in one query."""
    by_id = {row.id: row for row in rows}
    if not by_id:
        return
    for a_id, turf_id, v_id, name, email, shift in db.execute(
            sa.select(Assignment.id, Assignment.turf_id, User.id, User.name, User.email,
                      Assignment.shift_date)
            .join(User, User.id == Assignment.volunteer_id)
            .where(Assignment.turf_id.in_(by_id), Assignment.status == "active")
            .order_by(Assignment.id)):
        by_id[turf_id].holders.append(Holder(a_id, v_id, name or email.split("@")[0], shift))


def rows_by_id(db: Session, race: Race, turf_ids: list[int]) -> list[TurfRow]:
    """Fresh rows for some turfs of a race (after a bulk action changed them)."""
    counts = turf_door_counts(race.id)
    rows = [TurfRow(r.id, r.name, r.code, r.status, r.doors, r.knocked) for r in db.execute(
        sa.select(Turf.id, Turf.name, Turf.code, Turf.status,
                  sa.func.coalesce(counts.c.doors, 0).label("doors"),
                  sa.func.coalesce(counts.c.knocked, 0).label("knocked"))
        .outerjoin(counts, counts.c.turf_id == Turf.id)
        .where(Turf.race_id == race.id, Turf.id.in_(turf_ids)).order_by(Turf.name))]
    attach_holders(db, rows)
    return rows


def shift_dates(db: Session, race: Race) -> list[dt.date]:
    """The shift dates of a race's active assignments, for the filter's drop-down."""
    return list(db.scalars(
        sa.select(Assignment.shift_date).distinct().join(Turf, Turf.id == Assignment.turf_id)
        .where(Turf.race_id == race.id, Assignment.status == "active",
               Assignment.shift_date.is_not(None)).order_by(Assignment.shift_date)))
