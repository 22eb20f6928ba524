"""A chapter's races, their districts and scripts (organizations: fieldapp.chapters)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fieldapp.chapters.models import Organization
from fieldapp.extensions import db
from fieldapp.models_base import UTCDateTime, utcnow


class Race(db.Model):
    """A contest the chapter works on, with its district boundary and door goal."""

    __table_args__ = (sa.UniqueConstraint("organization_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    office: Mapped[str] = mapped_column(sa.String(200), default="")
    candidate: Mapped[str] = mapped_column(sa.String(200), default="")
    election_date: Mapped[dt.date | None] = mapped_column(sa.Date)
    ocd_division_id: Mapped[str | None] = mapped_column(sa.String(300))
    # GeoJSON Polygon or MultiPolygon geometry in EPSG:4326 (lon, lat order).
    district: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    district_is_synthetic: Mapped[bool] = mapped_column(default=False)
    centre_lat: Mapped[float | None]
    centre_lon: Mapped[float | None]
    door_goal: Mapped[int] = mapped_column(default=0)
    # What the turf cutter proposes for this race (within turf.services' MIN/MAX_DOORS).
    doors_per_turf: Mapped[int] = mapped_column(default=50, server_default="50")
    # The pitch the canvasser reads before the questions.
    script_intro: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The script's Spanish version, piece by piece ("" = none): the phone shows English where a
    # piece has no Spanish. Answers are the same rows whichever language was shown.
    script_intro_es: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="active")
    archived_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="races")
    questions: Mapped[list[SurveyQuestion]] = relationship(
        back_populates="race", order_by="SurveyQuestion.position", cascade="all, delete-orphan"
    )

    @property
    def current_questions(self) -> list[SurveyQuestion]:
        """The questions the phone shows: not retired, in script order."""
        return [q for q in self.questions if q.retired_at is None]

    @property
    def is_active(self) -> bool:
        """True while the race is worked (not archived)."""
        return self.status == "active"

    def __repr__(self) -> str:
        return f"<Race {self.id} {self.name!r}>"


QUESTION_KINDS = {
    "scale": "Support scale 1-5",
    "choice": "Single choice",
    "multi": "Multiple choice",
    "yesno": "Yes / no",
    "text": "Free text",
}
# Kinds answered with one choice id; "multi" takes a list of them, "text" a short text.
SINGLE_CHOICE_KINDS = frozenset({"scale", "choice", "yesno"})


class SurveyQuestion(db.Model):
    """One question of a race's script (kinds in QUESTION_KINDS).

    Never deleted once a script is saved: a removed question is retired (hidden from the
    phone, kept for reports, exports and knocks still queued on phones).
    """

    __table_args__ = (sa.UniqueConstraint("race_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    race_id: Mapped[int] = mapped_column(sa.ForeignKey("race.id"), index=True)
    key: Mapped[str] = mapped_column(sa.String(64))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.String(500))
    text_es: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    kind: Mapped[str] = mapped_column(sa.String(20), default="choice")
    van_question_id: Mapped[int | None]
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    race: Mapped[Race] = relationship(back_populates="questions")
    choices: Mapped[list[SurveyChoice]] = relationship(
        back_populates="question", order_by="SurveyChoice.position", cascade="all, delete-orphan"
    )

    @property
    def current_choices(self) -> list[SurveyChoice]:
        """The answers the phone offers: not retired, in order."""
        return [c for c in self.choices if c.retired_at is None]


class SurveyChoice(db.Model):
    """An answer a canvasser can tap for a question."""

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("survey_question.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    value: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(200))
    label_es: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    van_response_id: Mapped[int | None]
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    question: Mapped[SurveyQuestion] = relationship(back_populates="choices")
