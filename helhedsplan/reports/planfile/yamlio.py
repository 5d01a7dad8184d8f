"""Reading and writing the YAML of plan files, exactly.

Numbers with a decimal point are read as ``Decimal`` straight from their text, never through a float, so
4620000.50 stays 4620000.50. Writing is fixed: keys in the order the exporter builds them, Decimals as plain
numbers (4620000 or 12.5), dates as 2022-01-01, datetimes as 2023-05-12T21:30:00+02:00, text with line
breaks as a ``|`` block. The same data therefore always gives the same bytes.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import yaml

HEADER = "# A helhedsplan plan file. The format is described in docs/plan-format.md.\n"


if TYPE_CHECKING:
    # Typed as the pure-Python loader: libyaml's has the same interface, but mypy cannot take a base chosen at
    # run time.
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PlanFileLoader(_SafeLoader):
    """The safe loader (libyaml's when installed: many times faster, same result), with exact decimals."""


def _construct_decimal(loader: PlanFileLoader, node: yaml.ScalarNode) -> Decimal | float:
    text = loader.construct_scalar(node).replace("_", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        # .inf, .nan and friends: keep YAML's meaning; the schema refuses them as numbers.
        return loader.construct_yaml_float(node)
    return value


PlanFileLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)


class PlanFileDumper(yaml.SafeDumper):
    """The safe dumper, writing the types a plan file holds in one fixed way."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key: easier to read and edit by hand.
        return super().increase_indent(flow, False)


def _represent_decimal(dumper: PlanFileDumper, value: Decimal) -> yaml.ScalarNode:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    text = format(value.normalize(), "f")
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


def _represent_datetime(dumper: PlanFileDumper, value: datetime.datetime) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


def _represent_str(dumper: PlanFileDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


PlanFileDumper.add_representer(Decimal, _represent_decimal)
PlanFileDumper.add_representer(datetime.datetime, _represent_datetime)
PlanFileDumper.add_representer(str, _represent_str)


def load(text: str) -> Any:
    return yaml.load(text, Loader=PlanFileLoader)  # noqa: S506 - a safe loader


def dump(data: Any) -> str:
    body = yaml.dump(
        data,
        Dumper=PlanFileDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
    return HEADER + body
