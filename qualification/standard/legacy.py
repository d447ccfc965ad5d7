"""The older layout of the standard (v0.1, 2022–2023), mapped to v1.0.2.

What changed is in ``qualification/data/standard/descriptif-des-evolutions.txt``: the 15 old services were
condensed into 9, "labels nationaux" was split into "dispositifs et programmes nationaux", "formations et
labels" and "autres formations et labels", "publics accueillis" into "publics spécifiquement adressés" and
"prise en charge spécifique", "conditions d'accès" was renamed "frais à charge", "accessibilité" "fiche
Accès libre", and the values of "modalités d'accompagnement" were renamed. Lists were separated by ``;``.

Each old value maps to the v1.0.2 values below (one old service may give one or two new ones); an old
value this table does not know is kept, as it came, in "autres formations et labels" (for labels) or
reported as a warning (for the other lists).
"""

from __future__ import annotations

from aptic.text import normalize_search

# Columns that exist only in the old layout: their presence says a file is v0.
V0_ONLY_COLUMNS = {"labels_nationaux", "labels_autres", "publics_accueillis", "conditions_access", "accessibilite"}
RENAMED_COLUMNS = {
    "courriel": "courriels",
    "labels_autres": "autres_formations_labels",
    "accessibilite": "fiche_acces_libre",
    "conditions_access": "frais_a_charge",
}

SERVICES = {
    "Prendre en main un smartphone ou une tablette": ["Maîtrise des outils numériques du quotidien"],
    "Prendre en main un ordinateur": ["Maîtrise des outils numériques du quotidien"],
    "Utiliser le numérique au quotidien": ["Maîtrise des outils numériques du quotidien"],
    "Approfondir ma culture numérique": ["Compréhension du monde numérique"],
    "Promouvoir la citoyenneté numérique": ["Utilisation sécurisée du numérique", "Compréhension du monde numérique"],
    "Favoriser mon insertion professionnelle": ["Insertion professionnelle via le numérique"],
    "Créer et développer mon entreprise": ["Insertion professionnelle via le numérique"],
    "Accéder à une connexion internet": ["Accès internet et matériel informatique"],
    "Accéder à du matériel": ["Accès internet et matériel informatique"],
    "S'équiper en matériel informatique": ["Acquisition de matériel informatique à prix solidaire"],
    "Créer avec le numérique": ["Loisirs et créations numériques"],
    "Accompagner les démarches de santé": ["Aide aux démarches administratives"],
    "Réaliser des démarches administratives avec un accompagnement": ["Aide aux démarches administratives"],
    "Devenir autonome dans les démarches administratives": ["Aide aux démarches administratives"],
    "Soutenir la parentalité et l'éducation avec le numérique": ["Parentalité et éducation avec le numérique"],
}

MODALITES_ACCOMPAGNEMENT = {
    "Seul : j'ai accès à du matériel et une connexion": ["En autonomie"],
    "Avec de l'aide : je suis accompagné seul dans l'usage du numérique": ["Accompagnement individuel"],
    "Dans un atelier : j'apprends collectivement à utiliser le numérique": ["Dans un atelier collectif"],
    # Someone authorised does the formalities for the person, one to one.
    "A ma place : une personne habilitée fait les démarches à ma place": ["Accompagnement individuel"],
    "À distance : par téléphone ou en visioconférence": ["À distance"],
}

# "labels nationaux" -> (v1 field, v1 value)
LABELS = {
    "CNFS": ("dispositif_programmes_nationaux", "Conseillers numériques"),
    "Conseillers numériques": ("dispositif_programmes_nationaux", "Conseillers numériques"),
    "France Services": ("dispositif_programmes_nationaux", "France Services"),
    "Aidants Connect": ("dispositif_programmes_nationaux", "Aidants Connect"),
    "Point d'accès numérique CAF": ("dispositif_programmes_nationaux", "Point d'accès numérique CAF"),
    "Grande école du numérique": ("dispositif_programmes_nationaux", "Grande école du numérique"),
    "Promeneurs du net": ("dispositif_programmes_nationaux", "Promeneurs du net"),
    "Relais numérique (Emmaüs Connect)": ("dispositif_programmes_nationaux", "Relais numérique (Emmaüs Connect)"),
    "Emmaüs Connect": ("dispositif_programmes_nationaux", "Emmaüs Connect"),
    "Croix Rouge": ("dispositif_programmes_nationaux", "La Croix Rouge"),
    "PIX": ("dispositif_programmes_nationaux", "Certification PIX"),
    "Bibliothèques numérique de référence": (
        "dispositif_programmes_nationaux",
        "Bibliothèques numérique de référence",
    ),
    "Fabriques de Territoire": ("formations_labels", "Fabriques de Territoire"),
    "MedNum BFC": ("formations_labels", "Arnia/MedNum BFC (Bourgogne-Franche-Comté)"),
    "SUD LABS": ("formations_labels", "SUD LABS (PACA)"),
}

PUBLICS = {
    "Jeunes (16-26 ans)": ("publics_specifiquement_adresses", "Jeunes"),
    "Jeunes": ("publics_specifiquement_adresses", "Jeunes"),
    "Étudiants": ("publics_specifiquement_adresses", "Étudiants"),
    "Familles/enfants": ("publics_specifiquement_adresses", "Familles et/ou enfants"),
    "Seniors (+ 65 ans)": ("publics_specifiquement_adresses", "Seniors"),
    "Seniors": ("publics_specifiquement_adresses", "Seniors"),
    "Uniquement femmes": ("publics_specifiquement_adresses", "Femmes"),
    "Public langues étrangères": ("prise_en_charge_specifique", "Langues étrangères (autres)"),
    "Déficience visuelle": ("prise_en_charge_specifique", "Déficience visuelle"),
    "Surdité": ("prise_en_charge_specifique", "Surdité"),
    "Handicaps moteurs": ("prise_en_charge_specifique", "Handicaps moteurs"),
    "Handicaps psychiques : troubles psychiatriques donnant lieu à des atteintes comportementales": (
        "prise_en_charge_specifique",
        "Handicaps mentaux",
    ),
    "Handicaps mentaux : déficiences limitant les activités d'une personne": (
        "prise_en_charge_specifique",
        "Handicaps mentaux",
    ),
    "Personnes en situation d'illettrisme": ("prise_en_charge_specifique", "Illettrisme"),
}

FRAIS = {
    "Gratuit": ("frais_a_charge", "Gratuit"),
    "Gratuit sous condition": ("frais_a_charge", "Gratuit sous condition"),
    "Payant": ("frais_a_charge", "Payant"),
    "Accepte le Pass numérique": ("autres_formations_labels", "Pass numérique"),
}


def _index(table: dict) -> dict:
    return {normalize_search(key): value for key, value in table.items()}


_SERVICES = _index(SERVICES)
_MODALITES = _index(MODALITES_ACCOMPAGNEMENT)
_LABELS = _index(LABELS)
_PUBLICS = _index(PUBLICS)
_FRAIS = _index(FRAIS)


def legacy_service(value: str) -> list[str]:
    """The v1.0.2 services an old service label stands for ([] when it is not an old label)."""
    return _SERVICES.get(normalize_search(value), [])


def legacy_modalite(value: str) -> list[str]:
    return _MODALITES.get(normalize_search(value), [])


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").replace("|", ";").split(";") if part.strip()]


def convert_record(record: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """A v0 record rewritten with v1.0.2 columns (list values still to be checked), and warnings."""
    converted: dict[str, list[str] | str] = {}
    warnings: list[str] = []
    lists: dict[str, list[str]] = {}

    def add(name: str, value: str) -> None:
        values = lists.setdefault(name, [])
        if value not in values:
            values.append(value)

    for column, value in record.items():
        if column in ("labels_nationaux", "publics_accueillis", "conditions_access"):
            table = {"labels_nationaux": _LABELS, "publics_accueillis": _PUBLICS, "conditions_access": _FRAIS}[column]
            for part in _split(value):
                target = table.get(normalize_search(part))
                if target:
                    add(*target)
                elif column == "labels_nationaux":
                    add("autres_formations_labels", part)
                else:
                    warnings.append(f"« {column} » : « {part} »")
        elif column in ("services", "modalites_accompagnement", "typologie"):
            for part in _split(value):
                if column == "services":
                    mapped = legacy_service(part)
                elif column == "modalites_accompagnement":
                    mapped = legacy_modalite(part)
                else:
                    mapped = []
                for item in mapped or [part]:
                    add(column, item)
        else:
            converted[RENAMED_COLUMNS.get(column, column)] = value
    for name, values in lists.items():
        separator = ", " if name == "autres_formations_labels" else "|"
        existing = converted.get(name)
        converted[name] = separator.join(([existing] if existing else []) + values)
    return converted, warnings
