"""The README's "Backup and restore", run as it stands on PostgreSQL: dump, restore into a fresh database, and the
restored copy exports the same bytes and serves the same minutes file.

Runs in the PostgreSQL run of the suite (``DATABASE_URL=postgres://…``, as CI's second run), and only there: the
README's commands are PostgreSQL's own. The database dumped is the test database (``test_<name>``, with a
worker suffix under pytest-xdist); the one restored into is named after it, so parallel workers never meet, and
is created and dropped here.
"""

import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from helhedsplan.approvals.models import EstateDecision
from helhedsplan.planfiles.demo import AMAGER_FILE, AMAGER_SLUG
from helhedsplan.planfiles.exporter import export_plan
from helhedsplan.planfiles.importer import import_plan

ON_POSTGRESQL = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"

pytestmark = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="the backup commands are PostgreSQL's; this runs when DATABASE_URL is PostgreSQL",
)

README = Path(settings.BASE_DIR) / "README.md"
MARK = "<!-- tests/reports/test_backup.py runs this block as it stands -->"
PDF = b"%PDF-1.4\n% minutes of Hoergaarden\n%%EOF\n"


def readme_blocks() -> tuple[str, str]:
    """The backup block and the restore block of the README's "Backup and restore", as written there."""
    section = README.read_text(encoding="utf-8").split("## Backup and restore", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(re.escape(MARK) + r"\n```sh\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 2, "the section has its backup block and its restore block, each marked"
    backup, restore = blocks
    return backup, restore


def database_url(name: str) -> str:
    """The URL of database ``name`` on the test database's server, as DATABASE_URL is written."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{name}"


def server_environment(**variables: str) -> dict[str, str]:
    """What an operator's shell has: the machine's environment without the test run's, plus ``variables``."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("DJANGO_") and name not in {"PYTEST_VERSION", "DATABASE_URL"}
    }
    return {**environment, "DJANGO_SETTINGS_MODULE": "config.settings", **variables}


def run(arguments: list[str], environment: dict[str, str]) -> str:
    result = subprocess.run(
        arguments, cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{arguments[:3]} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def run_block(block: str, environment: dict[str, str]) -> None:
    run(["bash", "-euo", "pipefail", "-c", block], environment)


@pytest.fixture
def fresh_database():
    """A new, empty database beside the test database, named after it; dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_the_readme_backup_restores_the_same_plan_and_minutes(tmp_path, settings, fresh_database):
    backup_block, restore_block = readme_blocks()
    settings.MEDIA_ROOT = tmp_path / "media"
    plan = import_plan(AMAGER_FILE)
    decision = EstateDecision.objects.filter(estate__plan=plan, estate__name="Hørgården").get()
    decision.minutes.save("referat.pdf", ContentFile(PDF), save=True)
    before = export_plan(plan, personal_data=True)

    # Back up, as the README says, from the database and media folder in use.
    backup = tmp_path / "backup"
    run_block(
        backup_block,
        server_environment(
            DATABASE_URL=database_url(connection.settings_dict["NAME"]),
            DJANGO_MEDIA_ROOT=str(settings.MEDIA_ROOT),
            BACKUP=str(backup),
        ),
    )
    assert (backup / "database.dump").stat().st_size > 0

    # Restore, as the README says, into a fresh database and an empty media folder.
    restored = server_environment(
        DATABASE_URL=database_url(fresh_database),
        DJANGO_MEDIA_ROOT=str(tmp_path / "restored-media"),
        BACKUP=str(backup),
    )
    run_block(restore_block, restored)

    # The restored copy, read by a fresh process as a server would: the same export, byte for byte …
    after = run([sys.executable, "manage.py", "export_plan", AMAGER_SLUG], restored)
    assert after == before
    # … and the decision's minutes, found through the restored row in the restored folder.
    minutes = run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            "import hashlib; from helhedsplan.approvals.models import EstateDecision; "
            "decision = EstateDecision.objects.exclude(minutes='').get(); "
            "print(decision.estate.name, decision.minutes.name, "
            "hashlib.sha256(decision.minutes.open('rb').read()).hexdigest())",
        ],
        restored,
    )
    assert minutes.split() == ["Hørgården", decision.minutes.name, hashlib.sha256(PDF).hexdigest()]
