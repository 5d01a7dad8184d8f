"""Reading and writing the YAML of plan files, exactly.

Numbers with a decimal point are read as ``Decimal`` straight from their text, never through a float, so
4620000.50 stays 4620000.50. Writing is fixed: keys in the order the exporter builds them, Decimals as plain
numbers (4620000 or 12.5), dates as 2022-01-01, datetimes as 2023-05-12T21:30:00+02:00, text with line
breaks as a ``|`` block. The same data therefore always gives the same bytes.

A key written twice in one mapping is refused with its line, never resolved by letting the last one win: the
author meant one of the two values, and the file cannot say which.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import yaml
from django.utils.translation import gettext as _

HEADER = "# A helhedsplan plan file. The format is described in docs/plan-format.md.\n"


if TYPE_CHECKING:
    # Typed as the pure-Python loader: libyaml's has the same interface, but mypy cannot take a base chosen at
    # run time.
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PlanFileLoader(_SafeLoader):
    """The safe loader (libyaml's when installed: many times faster, same result), with exact decimals, that
    refuses a key written twice in one mapping."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            _refuse_duplicate_keys(self, node)
        return super().construct_mapping(node, deep=deep)


def _refuse_duplicate_keys(loader: PlanFileLoader, node: yaml.MappingNode) -> None:
    """Raise a ConstructorError at the second of two equal keys (``2022`` and ``0x7e6`` are equal too).

    Only the mapping's own keys count: keys brought in by a merge (``<<: *anchor``) may be overridden, as YAML
    intends. Checked before the merge is flattened into the mapping.
    """
    first_lines: dict[Any, int] = {}
    for key_node, _value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node)
        try:
            seen = key in first_lines
        except TypeError:  # unhashable: the base constructor refuses it with its own message
            continue
        if not seen:
            first_lines[key] = key_node.start_mark.line + 1
            continue
        raise yaml.constructor.ConstructorError(
            None,
            None,
            _("the key %(key)r is written twice in the same mapping (first on line %(line)s); keep one")
            % {"key": key_node.value, "line": first_lines[key]},
            key_node.start_mark,
        )


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
