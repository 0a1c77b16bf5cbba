"""Django's admin for administrators. Officers' narrowed workspace comes with the district-officers issue."""

from django.contrib import admin

from .models import LifeStage, Program


@admin.register(LifeStage)
class LifeStageAdmin(admin.ModelAdmin):
    list_display = ["order", "name", "name_en", "slug"]
    list_display_links = ["name"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["title", "provider", "kind", "operating_status", "publication", "last_verified", "updated_at"]
    list_filter = ["publication", "operating_status", "kind", "provider", "stages"]
    list_select_related = ["provider"]
    search_fields = ["title", "summary", "slug"]
    filter_horizontal = ["stages"]
    readonly_fields = ["created_at", "updated_at"]
    list_per_page = 50
    show_full_result_count = False  # no COUNT(*) over the whole table on every page
