from django.urls import path

from accounts import views

urlpatterns = [
    path("organisation/changer/", views.organisation_switch, name="organisation-switch"),
    path("organisation/creer/", views.organisation_create, name="organisation-create"),
    path("cles-api/", views.api_keys, name="api-keys"),
    path("cles-api/<int:pk>/revoquer/", views.api_key_revoke, name="api-key-revoke"),
]
