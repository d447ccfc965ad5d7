from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from accounts.api import MeView
from accounts.views import admin_login
from aptic import legal, views
from qualification.directory import api as lieux_api
from referentiel.api import ServiceListView, VersionListView
from settlement.api import SettlementViewSet

admin.site.site_header = _("Administration #APTIC")
admin.site.site_title = _("#APTIC")
admin.site.index_title = _("Coopérative")

settlement_router = SimpleRouter()
settlement_router.register("settlements", SettlementViewSet, basename="settlement")

api_v1 = [
    path("me/", MeView.as_view(), name="me"),
    path("referentiel/", VersionListView.as_view(), name="referentiel-versions"),
    path("referentiel/services/", ServiceListView.as_view(), name="referentiel-services"),
    path("lieux/", lieux_api.LieuListView.as_view(), name="lieux"),
    path("lieux/export/", lieux_api.LieuExportView.as_view(), name="lieux-export"),
    path("lieux/<int:pk>/", lieux_api.LieuDetailView.as_view(), name="lieu"),
    path("", include("cheques.api")),
    path("", include(settlement_router.urls)),
]

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("mentions-legales/", legal.legal_notice, name="legal-notice"),
    path("donnees-personnelles/", legal.personal_data, name="personal-data"),
    path("accessibilite/", legal.accessibility, name="accessibility"),
    path("espace/", views.home, name="home"),
    path("espace/", include("accounts.urls")),
    path("catalogue/", include("referentiel.urls")),
    path("", include("qualification.urls")),
    path("", include("settlement.urls")),
    path("", include("cheques.urls")),
    path("comptes/", include("allauth.urls")),
    path("lieux/", include("qualification.directory.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/login/", admin_login),  # logins go through allauth: second factor, limits
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's set-up script is served as a file (?script), not inline: the Content-Security-Policy holds.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

handler400 = "aptic.views.bad_request"
handler403 = "aptic.views.permission_denied"
handler404 = "aptic.views.page_not_found"
handler500 = "aptic.views.server_error"
