"""Controlled vocabularies of the référentiel: values are stable slugs, labels are what people read.

``STANDARD_SERVICES`` is the list of services of the national "Standard de données des lieux de médiation
numérique" v1.0.2 (LaMednum/standard-mediation-num, Licence Ouverte 2.0); the label is the exact value the
standard writes. Every service of the référentiel maps to at least one of them.
"""

FORMATS = [
    ("individuel", "Accompagnement individuel"),
    ("collectif", "Atelier collectif"),
    ("a_distance", "À distance"),
]

PUBLICS = [
    ("tous_publics", "Tous publics"),
    ("jeunes", "Jeunes"),
    ("etudiants", "Étudiants"),
    ("familles", "Familles et/ou enfants"),
    ("seniors", "Seniors"),
    ("femmes", "Femmes"),
    ("personnes_handicap", "Personnes en situation de handicap"),
    ("allophones", "Personnes allophones"),
    ("demandeurs_emploi", "Demandeurs d'emploi"),
]

STANDARD_SERVICES = [
    ("aide_demarches_administratives", "Aide aux démarches administratives"),
    ("maitrise_outils_numeriques", "Maîtrise des outils numériques du quotidien"),
    ("insertion_professionnelle", "Insertion professionnelle via le numérique"),
    ("utilisation_securisee", "Utilisation sécurisée du numérique"),
    ("parentalite_education", "Parentalité et éducation avec le numérique"),
    ("loisirs_creations", "Loisirs et créations numériques"),
    ("comprehension_monde_numerique", "Compréhension du monde numérique"),
    ("acces_internet_materiel", "Accès internet et matériel informatique"),
    ("acquisition_materiel_solidaire", "Acquisition de matériel informatique à prix solidaire"),
]
