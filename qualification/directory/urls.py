from django.urls import path

from qualification.directory import views

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<int:pk>/", views.lieu_detail, name="lieu-detail"),
    path("communes/", views.commune_options, name="directory-communes"),
]
