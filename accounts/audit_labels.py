"""What each audit action means, in words staff read (the admin's audit log shows these, not the codes).

``AuditEvent.action`` keeps a stable English code (``cheques.order.paid``); every code recorded anywhere has a
label here (a test reads the sources to hold this true). An unknown code still reads as something.
"""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    # changes made in the Django admin (copied from its log by a database trigger, accounts/audit_sql.py)
    "admin.added": _("Ajout dans l'administration"),
    "admin.changed": _("Modification dans l'administration"),
    "admin.deleted": _("Suppression dans l'administration"),
    # accounts
    "accounts.organisation.created": _("Organisation créée"),
    "accounts.membership.created": _("Personne ajoutée à une organisation"),
    "accounts.membership.changed": _("Rôle d'une personne modifié"),
    "accounts.api_key.created": _("Clé d'API créée"),
    "accounts.api_key.revoked": _("Clé d'API révoquée"),
    "accounts.staff_rights.changed": _("Droits d'une personne de l'équipe modifiés"),
    "accounts.authenticator.deleted": _("Second facteur d'authentification supprimé"),
    # référentiel
    "referentiel.version.created": _("Référentiel : brouillon créé"),
    "referentiel.version.changed": _("Référentiel : brouillon modifié"),
    "referentiel.version.imported": _("Référentiel : version importée"),
    "referentiel.version.published": _("Référentiel : version publiée"),
    "referentiel.version.discarded": _("Référentiel : brouillon supprimé"),
    "referentiel.category.created": _("Référentiel : catégorie créée"),
    "referentiel.category.changed": _("Référentiel : catégorie modifiée"),
    "referentiel.category.deleted": _("Référentiel : catégorie supprimée"),
    "referentiel.service.created": _("Référentiel : service créé"),
    "referentiel.service.changed": _("Référentiel : service modifié"),
    "referentiel.service.deleted": _("Référentiel : service supprimé"),
    # qualification: the steps of an application…
    "qualification.application.started": _("Candidature commencée"),
    "qualification.application.renewal_started": _("Renouvellement commencé"),
    "qualification.application.identity_saved": _("Candidature : identité enregistrée"),
    "qualification.application.lieu_saved": _("Candidature : lieu enregistré"),
    "qualification.application.offer_saved": _("Candidature : services enregistrés"),
    "qualification.application.mediateur_saved": _("Candidature : médiateur enregistré"),
    "qualification.application.mediateur_removed": _("Candidature : médiateur retiré"),
    "qualification.application.charter_saved": _("Candidature : engagements de la charte enregistrés"),
    "qualification.application.quality_saved": _("Candidature : critères de qualité enregistrés"),
    "qualification.application.document_added": _("Candidature : pièce ajoutée"),
    "qualification.application.document_removed": _("Candidature : pièce retirée"),
    "qualification.application.submitted": _("Candidature déposée"),
    "qualification.application.review_started": _("Examen de la candidature commencé"),
    "qualification.application.changes_requested": _("Modifications demandées sur la candidature"),
    "qualification.application.approved": _("Candidature approuvée"),
    "qualification.application.rejected": _("Candidature refusée"),
    # …and the qualifications of lieux and médiateurs
    "qualification.qualification.suspended": _("Qualification d'un lieu suspendue"),
    "qualification.qualification.active": _("Qualification d'un lieu rétablie"),
    "qualification.qualification.revoked": _("Qualification d'un lieu retirée"),
    "qualification.qualification.expired": _("Qualification d'un lieu expirée"),
    "qualification.mediateur_qualification.suspended": _("Qualification d'un médiateur suspendue"),
    "qualification.mediateur_qualification.active": _("Qualification d'un médiateur rétablie"),
    "qualification.mediateur_qualification.revoked": _("Qualification d'un médiateur retirée"),
    "qualification.mediateur_qualification.expired": _("Qualification d'un médiateur expirée"),
    "qualification.lieux.imported": _("Lieux importés (standard national)"),
    # cheques
    "cheques.order.created": _("Commande créée"),
    "cheques.order.updated": _("Commande modifiée"),
    "cheques.order.quoted": _("Devis émis"),
    "cheques.order.confirmed": _("Commande confirmée et facturée"),
    "cheques.order.cancelled": _("Commande annulée"),
    "cheques.order.paid": _("Virement reçu enregistré"),
    "cheques.order.issued": _("Chèques émis"),
    "cheques.partnership.created": _("Distributeur ajouté par un commanditaire"),
    "cheques.invitation.sent": _("Distributeur invité"),
    "cheques.invitation.accepted": _("Invitation de distributeur acceptée"),
    "cheques.carnets.assigned": _("Carnets confiés à un distributeur"),
    "cheques.carnets.taken_back": _("Carnets repris par le commanditaire"),
    "cheques.carnet.distributed": _("Carnet remis à une personne"),
    "cheques.carnet.blocked": _("Carnet bloqué (perdu ou volé)"),
    "cheques.carnet.replaced": _("Carnet remplacé"),
    "cheques.redemption.validated": _("Chèques validés au guichet"),
    "cheques.redemption.voided": _("Validation annulée"),
    "cheques.cheques.expired": _("Chèques expirés, avoir émis"),
    "cheques.beneficiary_profiles.purged": _("Profils anonymes de bénéficiaires supprimés (durée de conservation)"),
    # settlement
    "settlement.bank_account.requested": _("Compte bancaire saisi"),
    "settlement.bank_account.verified": _("Compte bancaire vérifié"),
    "settlement.bank_account.rejected": _("Compte bancaire refusé"),
    "settlement.mutations.opted_in": _("Contribution au fonds Mutations choisie"),
    "settlement.mutations.opted_out": _("Contribution au fonds Mutations arrêtée"),
    "settlement.run.computed": _("Contrepaiement calculé"),
    "settlement.run.reviewed": _("Contrepaiement vérifié"),
    "settlement.run.approved": _("Contrepaiement approuvé"),
    "settlement.run.approval_withdrawn": _("Approbation du contrepaiement retirée (compte bancaire changé)"),
    "settlement.run.exported": _("Fichier SEPA généré"),
    "settlement.run.paid": _("Paiement du contrepaiement enregistré"),
}


def audit_action_label(action: str) -> str:
    """The French label of an audit action; an unknown code reads "Action non répertoriée (code)"."""
    label = ACTION_LABELS.get(action)
    if label is not None:
        return str(label)
    return str(_("Action non répertoriée (%(code)s)") % {"code": action})
