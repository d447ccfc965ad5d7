from django.urls import path

from referentiel import views

app_name = "referentiel"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:code>/", views.service_detail, name="service"),
]
