from django.apps import AppConfig


class QualificationConfig(AppConfig):
    name = "qualification"
    verbose_name = "Qualification"
    staff_permissions = {
        "qualification": [
            f"{action}_{model}"
            for model in (
                "lieu",
                "mediateur",
                "application",
                "applicationmessage",
                "applicationdocument",
                "qualification",
                "mediateurqualification",
                "transition",
            )
            for action in ("view", "change", "add")
        ],
        "support": ["view_lieu", "view_mediateur", "view_application", "view_qualification"],
        "finance": ["view_lieu", "view_qualification"],
    }
    # Database-kept history (accounts/history/) of the qualifications of lieux and of médiateurs.
    history_tracked = {"Qualification": {}, "MediateurQualification": {}}
