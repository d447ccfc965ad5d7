"""The #APTIC charter's commitments, the quality criteria and the reviewer's checklist.

An applicant accepts each commitment explicitly and answers each quality criterion; the reviewer ticks
the checklist. Identifiers are stable (they are stored with the application); texts may be improved.
"""

from django.utils.translation import gettext_lazy as _

COMMITMENTS = [
    (
        "accueil_inconditionnel",
        _(
            "Accueillir toute personne qui présente un chèque #APTIC, sans condition de "
            "ressources ni de statut, et sans lui demander de payer un complément."
        ),
    ),
    (
        "mixite_publics",
        _(
            "Accueillir une diversité de publics dans le même lieu, et pas seulement les personnes en "
            "grande difficulté : ne pas recréer de ghetto numérique."
        ),
    ),
    (
        "autonomie",
        _(
            "Viser l'autonomie de la personne : faire avec elle, pas à sa place, et lui dire comment "
            "continuer seule ou ailleurs."
        ),
    ),
    (
        "donnees_personnelles",
        _(
            "Ne conserver aucune donnée personnelle de la personne accompagnée au-delà du "
            "nécessaire, et jamais ses identifiants ni ses mots de passe."
        ),
    ),
    (
        "emploi_durable",
        _(
            "Faire délivrer les services par des personnes salariées, entrepreneures-salariées d'une "
            "CAE ou salariées d'un groupement d'employeurs, et les rémunérer équitablement."
        ),
    ),
    ("formation_continue", _("Permettre aux médiateurs et médiatrices de se former en continu.")),
    (
        "referentiel",
        _(
            "Délivrer les services tels que le référentiel national #APTIC les décrit, pour la durée et au "
            "coût en chèques qu'il indique."
        ),
    ),
    (
        "validation_loyale",
        _("Ne valider un chèque qu'après avoir rendu le service, une seule fois, pour la personne qui le présente."),
    ),
]

QUALITY_CRITERIA = [
    (
        "accueil",
        _("Comment accueillez-vous une personne qui arrive sans rendez-vous ? (horaires, délai, lieu d'attente)"),
    ),
    (
        "accessibilite",
        _(
            "Comment le lieu est-il accessible aux personnes en situation de handicap ou ne parlant pas "
            "bien le français ?"
        ),
    ),
    (
        "equipement",
        _("De quel équipement les personnes disposent-elles sur place (postes, connexion, imprimante, scanner) ?"),
    ),
    (
        "competences",
        _(
            "Quelles formations les médiateurs et médiatrices ont-ils suivies, et lesquelles sont "
            "prévues cette année ?"
        ),
    ),
    (
        "orientation",
        _(
            "Vers qui orientez-vous une personne dont le besoin dépasse vos services (travailleurs "
            "sociaux, France Services, autres lieux) ?"
        ),
    ),
    ("evaluation", _("Comment savez-vous que l'accompagnement a été utile à la personne ?")),
]

MIN_ANSWER_LENGTH = 20

REVIEW_CHECKLIST = [
    ("identite", _("L'identité de la structure (SIRET, forme juridique) correspond aux pièces.")),
    ("lieu", _("L'adresse, la commune et les horaires du lieu sont vérifiés.")),
    ("offre", _("Les services proposés correspondent aux compétences décrites.")),
    ("statuts", _("Les statuts d'emploi des médiateurs sont justifiés (contrats, conventions).")),
    ("assurance", _("L'attestation d'assurance est valide.")),
    ("qualite", _("Les réponses aux critères qualité sont satisfaisantes.")),
]
