from django.urls import path

from aptic.urls import urlpatterns as platform_urlpatterns
from bench.views import bare_redemption

urlpatterns = [*platform_urlpatterns, path("bench/bare/", bare_redemption)]
