"""The catalogue (stages, programs) and what residents do with it (application forms, applications)."""

from .application import Application, ApplicationEvent, Document
from .catalogue import CatalogueRevision, LifeStage, Program, ProgramQuerySet
from .forms import ApplicationForm, Question, RequiredDocument
from .news import NewsAnnouncement
from .retention import FileToDelete, PurgeRecord
from .review import AccessRecord, ReasonTemplate

__all__ = [
    "AccessRecord",
    "ReasonTemplate",
    "Application",
    "ApplicationEvent",
    "ApplicationForm",
    "CatalogueRevision",
    "Document",
    "FileToDelete",
    "LifeStage",
    "NewsAnnouncement",
    "Program",
    "ProgramQuerySet",
    "PurgeRecord",
    "Question",
    "RequiredDocument",
]
