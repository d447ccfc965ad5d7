from django.db import models
from django.utils.translation import gettext_lazy as _


class EmploymentStatus(models.TextChoices):
    """How a médiateur is employed (seed 000): it decides whether they may be qualified to redeem cheques."""

    SALARIE = "salarie", _("Salarié·e de la structure")
    CAE = "cae", _("Entrepreneur·e-salarié·e d'une CAE")
    GROUPEMENT_EMPLOYEURS = "groupement_employeurs", _("Salarié·e d'un groupement d'employeurs")
    SERVICE_CIVIQUE = "service_civique", _("Volontaire en service civique")
    AUTO_ENTREPRENEUR = "auto_entrepreneur", _("Auto-entrepreneur·e")
    BENEVOLE = "benevole", _("Bénévole")


class QualificationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspendue")
    EXPIRED = "expired", _("Expirée")
    REVOKED = "revoked", _("Retirée")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SUBMITTED = "submitted", _("Déposée")
    UNDER_REVIEW = "under_review", _("En cours d'examen")
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    APPROVED = "approved", _("Approuvée")
    REJECTED = "rejected", _("Refusée")


class ApplicationKind(models.TextChoices):
    INITIAL = "initial", _("Première qualification")
    RENEWAL = "renewal", _("Renouvellement")


class LieuSource(models.TextChoices):
    APTIC = "aptic", _("Déclaré sur #APTIC")
    NATIONAL_STANDARD = "standard", _("Importé (standard national des lieux de médiation numérique)")


class DocumentKind(models.TextChoices):
    STATUTS = "statuts", _("Statuts")
    SIRENE = "sirene", _("Avis de situation SIRENE / extrait Kbis")
    ASSURANCE = "assurance", _("Attestation d'assurance")
    CONVENTION = "convention", _("Convention avec un·e médiateur·rice")
    AUTRE = "autre", _("Autre pièce")


class MessageKind(models.TextChoices):
    CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
    REPLY = "reply", _("Réponse de la structure")
    DECISION = "decision", _("Décision")
    NOTE = "note", _("Message")
