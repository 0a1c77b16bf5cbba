from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "맘편한 광주 관리"
admin.site.site_title = "맘편한 광주 관리"

handler500 = "portal.views.server_error"

urlpatterns = [
    path("livez", views.livez, name="livez"),
    path("admin/", admin.site.urls),
]
# Korean at /, English at /en/: the language is in the URL, so pages are cacheable and links shareable.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("", include("programs.urls")),
    path("", include("districts.urls")),
    prefix_default_language=False,
)
