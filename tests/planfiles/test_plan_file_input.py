"""Damaged plan files: a key written twice, a NUL byte in a text, an absurd amount, a row the database refuses.

Each is answered with its place in the file — never a traceback, never a silent choice — and nothing is saved.
"""

import copy

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DataError
from django.utils import translation

from helhedsplan.budget.models import BudgetAmount
from helhedsplan.planfiles.demo import AMAGER_FILE
from helhedsplan.planfiles.importer import import_plan, parse, read
from helhedsplan.planfiles.schema import PlanFileError
from helhedsplan.plans.models import Estate, Organisation, Plan

AMAGER_TEXT = AMAGER_FILE.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def english():
    """Messages are checked in their English source form, whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def amager_data():
    return copy.deepcopy(read(AMAGER_FILE))


def nothing_saved() -> bool:
    return not (Plan.objects.exists() or Organisation.objects.exists() or Estate.objects.exists())


def refused(source) -> list[str]:
    with pytest.raises(PlanFileError) as refusal:
        import_plan(source)
    assert nothing_saved()
    return refusal.value.messages


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line of ``text`` that holds ``fragment``."""
    return next(number for number, line in enumerate(text.splitlines(), 1) if fragment in line)


# A key written twice.


def test_a_key_written_twice_is_refused_naming_both_lines(db, tmp_path):
    text = AMAGER_TEXT.replace("  homes: 4135\n", "  homes: 4135\n  homes: 5000\n", 1)
    plan_file = tmp_path / "twice.yaml"
    plan_file.write_text(text, encoding="utf-8")
    first = line_of(text, "  homes: 4135")

    assert refused(plan_file) == [
        f"line {first + 1}, column 3: the key 'homes' is written twice in the same mapping "
        f"(first on line {first}); keep one"
    ]


def test_a_key_written_twice_in_a_flow_mapping_is_refused(db):
    text = AMAGER_TEXT.replace("amounts: {2022: 1300000,", "amounts: {2022: 1300000, 2022: 1,", 1)
    line = line_of(text, "2022: 1,")

    with pytest.raises(PlanFileError) as refusal:
        parse(text)

    [message] = refusal.value.messages
    assert message.startswith(f"line {line}, column ")
    assert message.endswith(
        f"the key '2022' is written twice in the same mapping (first on line {line}); keep one"
    )


def test_a_merge_key_may_still_be_overridden_and_lists_may_repeat_rows():
    data = parse("base: &base {name: A, note: x}\nother:\n  <<: *base\n  note: y\nrows: [{a: 1}, {a: 1}]\n")
    assert data == {
        "base": {"name": "A", "note": "x"},
        "other": {"name": "A", "note": "y"},
        "rows": [{"a": 1}] * 2,
    }


def test_the_import_command_names_the_line_of_a_key_written_twice(db, tmp_path):
    plan_file = tmp_path / "twice.yaml"
    plan_file.write_text(AMAGER_TEXT.replace("  area: Amager\n", "  area: Amager\n  area: Amagerbro\n", 1))

    with pytest.raises(CommandError, match=r"line \d+, column 3: the key 'area' is written twice"):
        call_command("import_plan", str(plan_file))
    assert nothing_saved()


# A NUL byte, which no database text column holds (PostgreSQL refuses it with an error).


def test_a_nul_byte_in_a_text_is_refused_at_its_place(amager_data, db):
    amager_data["budget"]["lines"][2]["description"] = "Rev\x00ision"
    amager_data["preparedness_plan"]["contacts"][0]["phone"] = "\x00"
    messages = refused(amager_data)
    assert messages == [
        "budget.lines[2].description: the text holds a NUL character (\\0), which cannot be stored; remove it",
        "preparedness_plan.contacts[0].phone: the text holds a NUL character (\\0), which cannot be stored; "
        "remove it",
    ]


def test_a_nul_byte_written_as_an_escape_in_the_file_is_refused_at_its_place(db, tmp_path):
    plan_file = tmp_path / "nul.yaml"
    plan_file.write_text(
        AMAGER_TEXT.replace("  area: Amager\n", '  area: "Ama\\0ger"\n', 1), encoding="utf-8"
    )

    with pytest.raises(CommandError) as refusal:
        call_command("import_plan", str(plan_file))

    assert "plan.area: the text holds a NUL character (\\0), which cannot be stored; remove it" in str(
        refusal.value
    )
    assert nothing_saved()


# Absurd numbers.


@pytest.mark.parametrize("amount", ["1e400", "1.0e+400", "-1e400", "1e-400"])
def test_an_absurd_amount_is_refused_at_its_place(db, tmp_path, amount):
    text = AMAGER_TEXT.replace(
        "amounts: {2022: 350000, 2023: 350000", f"amounts: {{2022: 350000, 2023: {amount}", 1
    )
    assert text != AMAGER_TEXT
    plan_file = tmp_path / "absurd.yaml"
    plan_file.write_text(text, encoding="utf-8")

    [message] = refused(plan_file)

    assert message.startswith("budget.lines[1].amounts[2023]: ")


# Whatever the database still refuses: at the row's place, and nothing saved.


def test_a_row_the_database_refuses_is_reported_at_its_place(amager_data, db, monkeypatch):
    save = BudgetAmount.save

    def refuse_2023(self, *args, **kwargs):
        if self.year == 2023 and self.line.description == "Revision":
            raise DataError("value out of range")
        return save(self, *args, **kwargs)

    monkeypatch.setattr(BudgetAmount, "save", refuse_2023)

    assert refused(amager_data) == [
        "budget.lines[2].amounts[2023]: the database could not store this: value out of range"
    ]
