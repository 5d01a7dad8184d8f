import hashlib

from django.db import migrations, models


def hash_stored_evidence(apps, schema_editor):
    """The SHA-256 of every sign-off's evidence already stored, read through the storage (a folder or a bucket):
    from now on a download is checked against it. A file the storage no longer has is left without one (its
    download is a 404 either way)."""
    signoff_model = apps.get_model("versions", "Signoff")
    for signoff in signoff_model.objects.exclude(evidence="").only("pk", "evidence"):
        digest = hashlib.sha256()
        try:
            with signoff.evidence.open("rb") as handle:
                while chunk := handle.read(1 << 16):
                    digest.update(chunk)
        except FileNotFoundError:
            continue
        signoff_model.objects.filter(pk=signoff.pk).update(evidence_sha256=digest.hexdigest())


class Migration(migrations.Migration):
    dependencies = [
        ("versions", "0003_carried_sha256"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalsignoff",
            name="evidence_sha256",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="SHA-256 of the minutes or letter"
            ),
        ),
        migrations.AddField(
            model_name="signoff",
            name="evidence_sha256",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="SHA-256 of the minutes or letter"
            ),
        ),
        migrations.RunPython(hash_stored_evidence, migrations.RunPython.noop),
    ]
