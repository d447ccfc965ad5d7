"""Opening hours in the OpenStreetMap format, said in plain French for the public pages.

The OSM expression is parsed and evaluated by ``opening-hours-py`` (the reference grammar, with its
override rules: in "Mo-Fr 09:00-17:00; We 14:00-16:00", Wednesday is 14:00-16:00 only). We then read a
typical week off it (this week, Monday to Sunday) and group the days that have the same hours:
"Du lundi au vendredi : de 9 h à 12 h 30 et de 14 h à 18 h". When the following weeks differ (rules by
week number, by month…), a note says so and the expression is shown as it was written. A text that is not
in the OSM format is shown as it was written.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

import opening_hours
from django.utils import timezone
from django.utils.translation import gettext as _

WEEKS_COMPARED = 8


def _day_names() -> list[str]:
    return [_("lundi"), _("mardi"), _("mercredi"), _("jeudi"), _("vendredi"), _("samedi"), _("dimanche")]


@dataclass
class OpeningHoursText:
    raw: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (days, hours)
    notes: list[str] = field(default_factory=list)
    understood: bool = True

    @property
    def is_empty(self) -> bool:
        return not self.raw


def _clock(moment: datetime.time) -> str:
    hour, minute = moment.hour, moment.minute
    return f"{hour} h {minute:02d}" if minute else f"{hour} h"


def _week(expression: opening_hours.OpeningHours, monday: datetime.datetime) -> list[tuple]:
    """For each day of the week starting ``monday``: a tuple of (start, end, comment) open spans."""
    days: list[list] = [[] for _ in range(7)]
    end = monday + datetime.timedelta(days=7)
    for start, stop, state, comment in expression.intervals(monday, end):
        if state != opening_hours.State.OPEN and not (state == opening_hours.State.UNKNOWN and comment):
            continue
        cursor = start
        while cursor < stop:
            day_end = datetime.datetime.combine(cursor.date() + datetime.timedelta(days=1), datetime.time())
            piece_end = min(stop, day_end)
            index = (cursor.date() - monday.date()).days
            if 0 <= index < 7:
                days[index].append((cursor.time(), piece_end.time() if piece_end < day_end else None, comment or ""))
            cursor = piece_end
    return [tuple(spans) for spans in days]


def _spans_text(spans: tuple) -> str:
    if len(spans) == 1 and spans[0][0] == datetime.time() and spans[0][1] is None:
        text = _("toute la journée")
        comment = spans[0][2]
        return f"{text} ({comment})" if comment else text
    parts = []
    for start, end, comment in spans:
        part = _("de %(start)s à %(end)s") % {
            "start": _clock(start),
            "end": _clock(end) if end is not None else _("minuit"),
        }
        parts.append(f"{part} ({comment})" if comment else part)
    return _join(parts)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s et %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def _days_text(indexes: list[int]) -> str:
    """[0, 1, 2, 3, 4] -> "Du lundi au vendredi"; [0, 3] -> "Le lundi et le jeudi"."""
    names = _day_names()
    if indexes == list(range(7)):
        return _("Tous les jours")
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(_("du %(first)s au %(last)s") % {"first": names[run[0]], "last": names[run[-1]]})
        else:
            parts.extend(_("le %(day)s") % {"day": names[index]} for index in run)
    text = _join(parts)
    return text[:1].upper() + text[1:]


def describe(text: str, *, today: datetime.date | None = None) -> OpeningHoursText:
    """``text`` (OSM ``opening_hours``) as French lines of days and hours."""
    raw = (text or "").strip()
    result = OpeningHoursText(raw=raw)
    if not raw:
        return result
    try:
        expression = opening_hours.OpeningHours(raw)
    except (opening_hours.ParserError, SyntaxError, ValueError):
        result.understood = False
        return result
    today = today or timezone.localdate()
    monday = datetime.datetime.combine(today - datetime.timedelta(days=today.weekday()), datetime.time())
    week = _week(expression, monday)
    groups: dict[tuple, list[int]] = {}
    for index, spans in enumerate(week):
        groups.setdefault(spans, []).append(index)
    closed = groups.pop((), [])
    for spans, indexes in sorted(groups.items(), key=lambda item: item[1][0]):
        result.lines.append((_days_text(indexes), _spans_text(spans)))
    if not result.lines:
        result.notes.append(_("Fermé cette semaine."))
    elif closed:
        result.lines.append((_days_text(closed), _("fermé")))
    if re.search(r"\bPH\s+(off|closed)\b", raw):
        result.notes.append(_("Fermé les jours fériés."))
    following = [_week(expression, monday + datetime.timedelta(weeks=number)) for number in range(1, WEEKS_COMPARED)]
    if any(other != week for other in following):
        result.notes.append(_("Les horaires changent selon les semaines ou les périodes de l'année."))
    return result
