"""Which commune a row of the standard is in: by its INSEE code, or by its name and postcode.

Former INSEE codes (merged communes) lead to the current commune. Paris, Lyon and Marseille keep their
arrondissement (75111, 69384, 13201…): from its own code, from the city's code or name with a postcode
of the arrondissement ("Paris", 75011), or from the names files give them ("PARIS 14", "Paris 14ème
arrondissement"). Searches and funders' restrictions on the city cover its arrondissements.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from qualification.geo import former_insee_codes
from qualification.standard.reading import commune_key
from territories.models import Commune


@dataclass(frozen=True)
class _Commune:
    name: str
    departement: str
    parent: str | None


class CommuneResolver:
    """Every commune, indexed by code, by postcode and by name: one query for the whole file."""

    def __init__(self):
        self.by_code: dict[str, _Commune] = {}
        self.by_postcode: dict[str, list[str]] = defaultdict(list)
        self.by_name: dict[str, list[str]] = defaultdict(list)
        # (city, postcode) -> the arrondissement of the city that carries the postcode
        self.arrondissement: dict[tuple[str, str], str] = {}
        for code, name, departement, postcodes, parent in Commune.objects.values_list(
            "code", "name", "departement_id", "postcodes", "parent_id"
        ):
            self.by_code[code] = _Commune(name, departement, parent)
            self.by_name[commune_key(name)].append(code)
            for postcode in filter(None, postcodes.split("|")):
                self.by_postcode[postcode].append(code)
                if parent:
                    self.arrondissement[parent, postcode] = code
        self.former = former_insee_codes()

    def name_of(self, code_insee: str) -> str | None:
        """The name of the commune ``code_insee`` designates (a current or a former code), or None."""
        code = self._code(code_insee)
        code = code if code in self.by_code else self.former.get(code)
        return self.by_code[code].name if code else None

    @staticmethod
    def _code(code_insee: str) -> str:
        code = code_insee.strip().upper()
        return "0" + code if re.fullmatch(r"\d{4}", code) else code

    @staticmethod
    def _departements(postcode: str) -> set[str]:
        if postcode.startswith("20"):
            return {"2A", "2B"}
        if postcode.startswith("97") or postcode.startswith("98"):
            return {postcode[:3]}
        return {postcode[:2]}

    def _precise(self, code: str, postcode: str) -> str:
        """The arrondissement of the city ``code`` that carries ``postcode`` (``code`` for other communes)."""
        return self.arrondissement.get((code, postcode), code)

    def _by_name_and_postcode(self, name: str, postcode: str) -> list[str]:
        key = commune_key(name)
        if not key:
            return []
        same_postcode = [
            code for code in self.by_postcode.get(postcode, []) if commune_key(self.by_code[code].name) == key
        ]
        if same_postcode:
            return same_postcode
        # "PARIS 14", "Paris 14ème arrondissement": the city's name, then anything, and a postcode of the city.
        arrondissements = [
            code
            for code in self.by_postcode.get(postcode, [])
            if self.by_code[code].parent
            and key.startswith(commune_key(self.by_code[self.by_code[code].parent].name) + " ")
        ]
        if arrondissements:
            return arrondissements
        departements = self._departements(postcode) if postcode else set()
        named = self.by_name.get(key, [])
        in_departement = [code for code in named if self.by_code[code].departement in departements]
        if in_departement or departements:
            return in_departement
        return named

    def resolve(self, *, code_insee: str, postcode: str, name: str) -> tuple[str | None, str | None, str | None]:
        """(commune code, refusal reason, warning)."""
        code = self._code(code_insee)
        if code:
            if code in self.by_code:
                return self._precise(code, postcode), None, None
            if code in self.former:
                current = self.former[code]
                return (
                    current,
                    None,
                    _("ancien code INSEE %(old)s : commune actuelle %(name)s (%(new)s).")
                    % {"old": code, "name": self.by_code[current].name, "new": current},
                )
        matches = self._by_name_and_postcode(name, postcode)
        if not matches and re.fullmatch(r"\d{5}", postcode or "") and postcode in self.by_code:
            # Some files put the INSEE code in the postcode column.
            if commune_key(self.by_code[postcode].name) == commune_key(name):
                matches = [postcode]
        if len(matches) == 1:
            found = self._precise(matches[0], postcode)
            warning = None
            if code:
                warning = _("code INSEE %(code)s inconnu : commune retrouvée par son nom (%(name)s, %(found)s).") % {
                    "code": code,
                    "name": self.by_code[found].name,
                    "found": found,
                }
            return found, None, warning
        return None, self._refusal(matches, code=code, postcode=postcode, name=name), None

    @staticmethod
    def _refusal(matches: list[str], *, code: str, postcode: str, name: str) -> str:
        if matches:
            return _(
                "commune ambiguë : « %(name)s » (code postal %(postcode)s) désigne plusieurs communes "
                "(%(codes)s) ; indiquez le code INSEE."
            ) % {"name": name, "postcode": postcode, "codes": ", ".join(sorted(matches))}
        if code:
            return _(
                "commune inconnue : le code INSEE %(code)s n'existe pas dans le référentiel des communes, "
                "et « %(name)s » (code postal %(postcode)s) non plus."
            ) % {"code": code, "name": name, "postcode": postcode}
        return _(
            "commune inconnue : « %(name)s » (code postal %(postcode)s) n'existe pas dans le référentiel des communes."
        ) % {"name": name, "postcode": postcode}
