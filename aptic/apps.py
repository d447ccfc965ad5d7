from django.apps import AppConfig


class ApticConfig(AppConfig):
    name = "aptic"
    verbose_name = "#APTIC"

    def ready(self):
        from aptic import checks  # noqa: F401  (registers the deployment checks)
