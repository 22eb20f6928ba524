"""The five 2017 races of the first users (public record; see shared/seed-races.md)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoRace:
    """One seed race and the chapter that works it."""

    org_slug: str
    org_name: str
    name: str
    office: str
    candidate: str
    kind: str
    ocd_division_id: str
    centre: tuple[float, float]
    election_date: dt.date
    city: str
    state: str
    zip_prefix: str


DEMO_RACES: tuple[DemoRace, ...] = (
    DemoRace("ny-wfp", "New York Working Families Party",
             "NY State Assembly District 9, special election (spring 2017)",
             "NY State Assembly, District 9", "Christine Pellegrino", "state house",
             "ocd-division/country:us/state:ny/sldl:9", (40.68, -73.45), dt.date(2017, 5, 23),
             "Massapequa", "NY", "117"),
    DemoRace("ms-wfp", "Mississippi Working Families Party", "Mayor of Jackson (2017)",
             "Mayor of Jackson", "Chokwe Antar Lumumba", "mayor",
             "ocd-division/country:us/state:ms/place:jackson", (32.2988, -90.1848),
             dt.date(2017, 6, 6), "Jackson", "MS", "392"),
    DemoRace("ct-wfp", "Connecticut Working Families Party",
             "CT House District 7, special election (2017), Connecticut WFP line",
             "CT House of Representatives, District 7", "Joshua Hall", "state house",
             "ocd-division/country:us/state:ct/sldl:7", (41.7820, -72.6890), dt.date(2017, 1, 10),
             "Hartford", "CT", "061"),
    DemoRace("pa-wfp", "Pennsylvania Working Families Party",
             "Philadelphia District Attorney, Democratic primary (May 2017)",
             "District Attorney of Philadelphia", "Larry Krasner", "district attorney",
             "ocd-division/country:us/state:pa/county:philadelphia", (39.9526, -75.1652),
             dt.date(2017, 5, 16), "Philadelphia", "PA", "191"),
    DemoRace("wi-wfp", "Wisconsin Working Families Party",
             "Milwaukee school board races (spring 2017)", "Milwaukee Board of School Directors",
             "Slate of board candidates", "school board",
             "ocd-division/country:us/state:wi/place:milwaukee", (43.0389, -87.9065),
             dt.date(2017, 4, 4), "Milwaukee", "WI", "532"),
)

# The short script every demo race uses: support 1-5, top issue, volunteer ask.
DEMO_SCRIPT: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("support", "How likely are you to support our candidate? (1 = not at all, 5 = definitely)",
     tuple((str(i), str(i)) for i in range(1, 6))),
    ("top_issue", "What is the most important issue for your family?",
     (("jobs", "Jobs and wages"), ("schools", "Schools"), ("housing", "Housing and rent"),
      ("health", "Health care"), ("justice", "Criminal justice"), ("other", "Other"))),
    ("volunteer", "Would you volunteer with us?",
     (("yes", "Yes"), ("maybe", "Maybe"), ("no", "No"))),
)

# The Philadelphia chapter canvasses Spanish-speaking blocks: its demo script is bilingual, so
# `make demo` shows the editor's Spanish fields and the phone's English / Español switch.
SPANISH_SCRIPT_ORGS = frozenset({"pa-wfp"})
DEMO_INTRO = ("Hi, I'm a volunteer with the Working Families Party. We're talking with "
              "neighbours about the election. Do you have a minute?")
DEMO_INTRO_ES = ("Hola, soy voluntario del Working Families Party. Estamos hablando con los "
                 "vecinos sobre la elección. ¿Tiene un minuto?")
# key -> (question in Spanish, {answer value: answer in Spanish}); the 1-5 answers need none.
DEMO_SCRIPT_ES: dict[str, tuple[str, dict[str, str]]] = {
    "support": ("¿Qué tan probable es que apoye a nuestro candidato? (1 = nada, 5 = seguro)", {}),
    "top_issue": ("¿Cuál es el tema más importante para su familia?",
                  {"jobs": "Trabajo y salarios", "schools": "Escuelas",
                   "housing": "Vivienda y renta", "health": "Salud",
                   "justice": "Justicia penal", "other": "Otro"}),
    "volunteer": ("¿Le gustaría ser voluntario con nosotros?",
                  {"yes": "Sí", "maybe": "Tal vez", "no": "No"}),
}
