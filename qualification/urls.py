from django.urls import path

from qualification.views import staff, structure

urlpatterns = [
    path("espace/qualification/", structure.qualifications, name="qualifications"),
    path("espace/qualification/candidature/nouvelle/", structure.application_new, name="application-new"),
    path("espace/qualification/candidature/<int:pk>/", structure.application_detail, name="application"),
    path(
        "espace/qualification/candidature/<int:pk>/deposer/", structure.application_submit, name="application-submit"
    ),
    path(
        "espace/qualification/candidature/<int:pk>/etape/<slug:step>/",
        structure.application_step,
        name="application-step",
    ),
    path(
        "espace/qualification/candidature/<int:pk>/mediateurs/<int:mediateur_pk>/supprimer/",
        structure.mediateur_remove,
        name="application-mediateur-remove",
    ),
    path(
        "espace/qualification/candidature/<int:pk>/pieces/<int:document_pk>/",
        structure.document_download,
        name="application-document",
    ),
    path(
        "espace/qualification/candidature/<int:pk>/pieces/<int:document_pk>/supprimer/",
        structure.document_remove,
        name="application-document-remove",
    ),
    path("espace/qualification/<int:pk>/attestation/", structure.certificate_download, name="certificate"),
    path("espace/qualification/<int:pk>/renouveler/", structure.qualification_renew, name="qualification-renew"),
    path("equipe/candidatures/", staff.queue, name="staff-applications"),
    path("equipe/candidatures/<int:pk>/", staff.application_review, name="staff-application"),
    path("equipe/candidatures/<int:pk>/instruire/", staff.application_take, name="staff-application-take"),
    path("equipe/candidatures/<int:pk>/controle/", staff.application_checklist, name="staff-application-checklist"),
    path(
        "equipe/candidatures/<int:pk>/modifications/",
        staff.application_request_changes,
        name="staff-application-changes",
    ),
    path("equipe/candidatures/<int:pk>/approuver/", staff.application_approve, name="staff-application-approve"),
    path("equipe/candidatures/<int:pk>/refuser/", staff.application_reject, name="staff-application-reject"),
    path("equipe/candidatures/<int:pk>/message/", staff.application_message, name="staff-application-message"),
    path("equipe/qualifications/", staff.qualifications, name="staff-qualifications"),
    path("equipe/rapports/statuts/", staff.report, name="staff-status-report"),
    path(
        "equipe/qualifications/<int:pk>/<slug:action>/", staff.qualification_change, name="staff-qualification-change"
    ),
    path(
        "equipe/qualifications/mediateurs/<int:pk>/<slug:action>/",
        staff.mediateur_qualification_change,
        name="staff-mediateur-qualification-change",
    ),
]
