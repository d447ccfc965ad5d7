"""The API's parsers: DRF's, refusing malformed JSON, NUL characters and deep nesting with a clear 400."""

import codecs
import json

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

from aptic.inputs import check_parsed, too_deep_refusal


def _encoding(parser_context) -> str:
    try:
        return parsers.get_encoding(parser_context or {})
    except ParseError as error:
        raise ParseError(
            _("Le jeu de caractères indiqué dans l'en-tête Content-Type n'est pas pris en charge."),
            code="unsupported_charset",
        ) from error


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        encoding = _encoding(parser_context)
        try:
            data = json.load(codecs.getreader(encoding)(stream), parse_constant=_refuse_constant)
        except RecursionError as error:
            raise too_deep_refusal() from error
        except ValueError as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise ParseError(
                _("Le corps de la requête n'est pas un JSON valide (encodé en %(encoding)s).")
                % {"encoding": encoding},
                code="malformed_json",
            ) from error
        check_parsed(data)
        return data


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")  # NaN, Infinity, -Infinity


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        _encoding(parser_context)
        data = super().parse(stream, media_type, parser_context)
        check_parsed(dict(data.lists()))
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            parsed = super().parse(stream, media_type, parser_context)
        except ParseError as error:
            raise ParseError(_("Le formulaire envoyé est mal formé."), code="malformed_form") from error
        check_parsed(dict(parsed.data.lists()))
        check_parsed([upload.name for upload in parsed.files.values()])
        return parsed
