"""The domain model; importing this package registers every table."""

from eventsapp.models.api_token import TOKEN_ACCESS, ApiToken
from eventsapp.models.approach import KIND_CODES, KINDS_OF_WORK, Approach
from eventsapp.models.base import utcnow
from eventsapp.models.checkin import (
    ATTENDANCE_ACTIONS,
    AttendanceFinalisation,
    AttendanceLog,
    RegistrationSearch,
)
from eventsapp.models.equality import EqualityResponse
from eventsapp.models.event import EVENT_STATUSES, CohostRequest, Event, Programme, event_cohost
from eventsapp.models.files import FILE_JOB_KINDS, FILE_JOB_STATUSES, FileJob
from eventsapp.models.imports import IMPORT_PHASES, ImportJob, ImportMapping, SectorSynonym
from eventsapp.models.invitation import Invitation
from eventsapp.models.merge import PERSON_CHANGE_KINDS, OrganisationMerge, PersonMerge
from eventsapp.models.message import (
    BODY_FORMATS,
    EVENT_AUDIENCES,
    MESSAGE_AUDIENCES,
    PROGRAMME_AUDIENCES,
    Message,
    MessageRecipient,
    NetworkUnsubscribe,
)
from eventsapp.models.network import (
    RESOURCE_STATUSES,
    SUPPORT_KINDS,
    SUPPORT_STATUSES,
    NetworkProfile,
    NetworkProfileKind,
    Resource,
    SupportPost,
)
from eventsapp.models.organisation import (
    Organisation,
    OrganisationAlias,
    normalise_organisation_name,
)
from eventsapp.models.outbox import OUTBOX_KINDS, OUTBOX_STATES, OutboxMessage
from eventsapp.models.privacy import AccessLogEntry, EqualityUnlinking, ErasureRecord
from eventsapp.models.questions import QUESTION_KINDS, EventQuestion, RegistrationAnswer
from eventsapp.models.reference import Region, Sector
from eventsapp.models.registration import (
    ATTENDANCE_METHODS,
    REGISTRATION_SOURCES,
    REGISTRATION_STATUSES,
    Attendance,
    Person,
    Registration,
    normalise_email,
)
from eventsapp.models.story import (
    DIFFERENCES,
    STORY_STATES,
    Story,
    StoryChange,
    StoryCoauthor,
)
from eventsapp.models.survey import (
    AGREEMENT_SCALE,
    DEFAULT_SURVEY_QUESTIONS,
    RATING_SCALE,
    SURVEY_KINDS,
    SurveyAnswer,
    SurveyInvitation,
    SurveyLinkUse,
    SurveyQuestion,
    SurveyResponse,
)
from eventsapp.models.user import ROLES, Membership, User
from eventsapp.models.webhook import WEBHOOK_EVENTS, WebhookDeliveryRecord, WebhookEndpoint

__all__ = [
    "BODY_FORMATS",
    "EVENT_AUDIENCES",
    "MESSAGE_AUDIENCES",
    "PROGRAMME_AUDIENCES",
    "Message",
    "MessageRecipient",
    "NetworkUnsubscribe",
    "AGREEMENT_SCALE",
    "DEFAULT_SURVEY_QUESTIONS",
    "RATING_SCALE",
    "SURVEY_KINDS",
    "SurveyAnswer",
    "SurveyInvitation",
    "SurveyLinkUse",
    "SurveyQuestion",
    "SurveyResponse",
    "ApiToken",
    "TOKEN_ACCESS",
    "KIND_CODES",
    "RESOURCE_STATUSES",
    "SUPPORT_KINDS",
    "SUPPORT_STATUSES",
    "Approach",
    "NetworkProfile",
    "NetworkProfileKind",
    "Resource",
    "SupportPost",
    "ATTENDANCE_ACTIONS",
    "DIFFERENCES",
    "KINDS_OF_WORK",
    "STORY_STATES",
    "Story",
    "StoryChange",
    "StoryCoauthor",
    "ATTENDANCE_METHODS",
    "EVENT_STATUSES",
    "IMPORT_PHASES",
    "REGISTRATION_SOURCES",
    "REGISTRATION_STATUSES",
    "ROLES",
    "QUESTION_KINDS",
    "Attendance",
    "AttendanceFinalisation",
    "AttendanceLog",
    "EqualityResponse",
    "EqualityUnlinking",
    "ErasureRecord",
    "AccessLogEntry",
    "EventQuestion",
    "RegistrationAnswer",
    "CohostRequest",
    "Event",
    "FILE_JOB_KINDS",
    "FILE_JOB_STATUSES",
    "FileJob",
    "ImportJob",
    "ImportMapping",
    "Invitation",
    "Membership",
    "OUTBOX_KINDS",
    "OUTBOX_STATES",
    "Organisation",
    "OutboxMessage",
    "OrganisationAlias",
    "OrganisationMerge",
    "PERSON_CHANGE_KINDS",
    "PersonMerge",
    "Person",
    "Programme",
    "Region",
    "Registration",
    "RegistrationSearch",
    "Sector",
    "SectorSynonym",
    "User",
    "WEBHOOK_EVENTS",
    "WebhookDeliveryRecord",
    "WebhookEndpoint",
    "event_cohost",
    "normalise_email",
    "normalise_organisation_name",
    "utcnow",
]
