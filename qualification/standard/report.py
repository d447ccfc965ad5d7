"""What an import of lieux did, row by row: kept with the import (JSON) and shown to staff."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _


@dataclass
class RowReport:
    line: int
    id: str
    name: str
    outcome: str  # created | updated | refused
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    layout: str = ""
    encoding: str = ""
    delimiter: str = ""
    total: int = 0
    created: int = 0
    updated: int = 0
    refused: int = 0
    dry_run: bool = False
    notes: list[str] = field(default_factory=list)
    rows: list[RowReport] = field(default_factory=list)  # refused rows and rows with warnings

    @property
    def accepted(self) -> int:
        return self.created + self.updated

    @property
    def refused_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.outcome == "refused"]

    @property
    def warned_rows(self) -> list[RowReport]:
        return [row for row in self.rows if row.outcome != "refused" and row.warnings]

    def summary(self) -> str:
        return _(
            "%(total)s lignes lues : %(created)s lieux créés, %(updated)s mis à jour, %(refused)s lignes refusées."
        ) % {"total": self.total, "created": self.created, "updated": self.updated, "refused": self.refused}

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ImportReport:
        data = dict(data)
        rows = [RowReport(**row) for row in data.pop("rows", [])]
        return cls(**data, rows=rows)
