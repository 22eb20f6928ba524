"""Every domain's models, imported in one place so the metadata (and Alembic) sees them all."""
from fieldapp.auth.models import ApiToken, Invite, LoginSession, User  # noqa: F401
from fieldapp.chapters.models import Membership, Organization  # noqa: F401
from fieldapp.jobs.models import Job  # noqa: F401
from fieldapp.knocklog.models import DoorKnock, HeldKnock  # noqa: F401
from fieldapp.races.models import Race, SurveyChoice, SurveyQuestion  # noqa: F401
from fieldapp.streets.models import DoorStreet, StreetNetworkRecord  # noqa: F401
from fieldapp.turf.membership import DoorTurfSpan  # noqa: F401
from fieldapp.turf.models import Assignment, Turf  # noqa: F401
from fieldapp.voters.models import (  # noqa: F401
    GeocodeCache,
    Household,
    ImportRejection,
    ImportRun,
    Voter,
)
