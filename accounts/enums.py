from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COMMANDITAIRE = "commanditaire", _("Commanditaire")
    DISTRIBUTEUR = "distributeur", _("Distributeur")
    STRUCTURE = "structure", _("Structure")


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    MEMBER = "member", _("Membre")
    # Only in a structure: a person who delivers services at a lieu and validates cheques.
    MEDIATEUR = "mediateur", _("Médiateur")


class StaffRole(models.TextChoices):
    """The cooperative's staff roles. Each one is a Django group of the same name (its admin permissions)."""

    QUALIFICATION = "qualification", _("Qualification")
    FINANCE = "finance", _("Finance")
    SUPPORT = "support", _("Support")


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    SCOP = "scop", _("SCOP")
    SCIC = "scic", _("SCIC")
    CAE = "cae", _("Coopérative d'activités et d'emploi (CAE)")
    GROUPEMENT_EMPLOYEURS = "groupement_employeurs", _("Groupement d'employeurs")
    COLLECTIVITE = "collectivite", _("Collectivité territoriale")
    ETABLISSEMENT_PUBLIC = "etablissement_public", _("Établissement public")
    ENTREPRISE = "entreprise", _("Entreprise")
    AUTRE = "autre", _("Autre")


class HistoryOperation(models.TextChoices):
    """What a database trigger saw happen to a tracked row (``accounts.HistoryEntry``)."""

    INSERT = "insert", _("Création")
    UPDATE = "update", _("Modification")
    DELETE = "delete", _("Suppression")
    TRUNCATE = "truncate", _("Table vidée (TRUNCATE)")
