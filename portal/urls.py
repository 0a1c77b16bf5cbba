from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from . import views
from .ratelimit import login_limit

admin.site.site_header = "맘편한 광주 관리"
admin.site.site_title = "맘편한 광주 관리"

handler500 = "portal.views.server_error"

urlpatterns = [
    path("livez", views.livez, name="livez"),
    path("healthz", views.healthz, name="healthz"),  # readiness: the database answers (503 if not)
    # The admin's login form shares our limit on failed logins per client address (portal/ratelimit.py).
    path("admin/login/", login_not_required(login_limit(admin.site.login)), name="admin_login"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("programs.api.urls")),  # open data: the JSON API (language-neutral)
    path("", include("programs.open_data.urls")),  # open data: CSV/JSON downloads, sitemap.xml, robots.txt
]
# Korean at /, English at /en/: the language is in the URL, so pages are cacheable and links shareable.
urlpatterns += i18n_patterns(
    path("", include("programs.home_urls")),  # the first page: the catalogue's
    path("", include("programs.urls")),
    path("", include("programs.district_urls")),  # a provider's page (the catalogue's, namespace "districts")
    path("screener/", include("programs.screener.urls")),
    path("", include("programs.open_data.page_urls")),  # open data: documentation page, Atom feeds
    path("me/documents/", include("programs.locker.urls")),  # the resident's documents locker (login; issue 17)
    path("me/plan/", include("programs.plan.urls")),  # the resident's saved plan and reminders (login; issue 17)
    path("me/notifications/", include("portal.accounts.notifications_urls")),  # the resident's notifications (login)
    path("", include("portal.accounts.urls")),  # /accounts/... and /me/ (profile, consent, deletion)
    path("privacy/", include("portal.accounts.privacy_urls")),  # 개인정보처리방침, linked from every footer
    prefix_default_language=False,
)
