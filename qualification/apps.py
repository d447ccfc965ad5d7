from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = "Qualification"
    staff_permissions = {
        "qualification": ["view_lieu", "add_lieu", "change_lieu"],
        "support": ["view_lieu"],
        "finance": ["view_lieu"],
    }
