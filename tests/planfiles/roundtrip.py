"""Comparing plan files across a round trip: a file names its objects by the ids of the database it was exported
from, and its carried versions' snapshots by those ids too (with their hashes), so a file exported again from
the imported plan differs there and only there. The rest must be the same bytes."""

from __future__ import annotations

from typing import Any

from helhedsplan.planfiles import yamlio
from helhedsplan.planfiles.importer import parse


def _without_ids(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _without_ids(value) for key, value in data.items() if key != "id"}
    if isinstance(data, list):
        return [_without_ids(value) for value in data]
    return data


def comparable(text: str) -> str:
    """The file's text with the ids, the carried ids' map and the carried snapshots and their hashes set
    aside (the versions' numbers, statuses, reasons and sign-offs stay)."""
    data = _without_ids(parse(text))
    data.pop("carried_ids", None)
    for version in data.get("versions", []):
        version.pop("snapshot", None)
        version.pop("sha256", None)
    return yamlio.dump(data)
