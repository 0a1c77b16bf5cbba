"""Every change to the catalogue bumps its revision, inside the same transaction, so cached pages never lag."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from districts.models import District, Office

from .cache import bump_revision
from .models import Amount, LifeStage, Program, Rule, Source

CATALOGUE_MODELS = (Program, LifeStage, District, Office, Rule, Amount, Source)  # what a public page shows


@receiver(post_save)
@receiver(post_delete)
def catalogue_changed(sender, raw=False, **kwargs):
    if sender in CATALOGUE_MODELS and not raw:
        bump_revision()


@receiver(m2m_changed, sender=Program.stages.through)
def program_stages_changed(sender, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        bump_revision()
