"""The catalogue (stages, programs) and what residents do with it (application forms, applications)."""

from .application import Application, ApplicationEvent, Document
from .catalogue import CatalogueRevision, LifeStage, Program, ProgramQuerySet
from .changes import PlanChangeNotice, ProgramChange
from .forms import ApplicationForm, Question, RequiredDocument
from .locker import KeptDocument, KeptDocumentUse
from .news import NewsAnnouncement
from .plan import PlanMute, PlanReminder, PlanState
from .retention import FileToDelete, PurgeRecord
from .review import AccessRecord, ReasonTemplate
from .rules import Amount, Rule, RuleCase, Source, in_force

__all__ = [
    "AccessRecord",
    "Amount",
    "Rule",
    "RuleCase",
    "Source",
    "in_force",
    "ReasonTemplate",
    "Application",
    "ApplicationEvent",
    "ApplicationForm",
    "CatalogueRevision",
    "Document",
    "FileToDelete",
    "KeptDocument",
    "KeptDocumentUse",
    "LifeStage",
    "NewsAnnouncement",
    "PlanChangeNotice",
    "PlanMute",
    "PlanReminder",
    "PlanState",
    "Program",
    "ProgramChange",
    "ProgramQuerySet",
    "PurgeRecord",
    "Question",
    "RequiredDocument",
]
