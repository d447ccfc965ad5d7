from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.api import MeView
from aptic import views

admin.site.site_header = _("Administration #APTIC")
admin.site.site_title = _("#APTIC")
admin.site.index_title = _("Coopérative")

api_v1 = [
    path("me/", MeView.as_view(), name="me"),
    path("", include("cheques.api")),
]

urlpatterns = [
    path("", views.public_home, name="public-home"),
    path("espace/", views.home, name="home"),
    path("espace/", include("accounts.urls")),
    path("", include("cheques.urls")),
    path("comptes/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
