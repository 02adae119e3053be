"""A disclosure's subject is a person from the people index; its nominal becomes optional.

Scheme disclosures (CSODS, DVDS) may be about someone MAPPA does not manage (ADR 0017). Every
existing record is a MAPPA disclosure, so its subject is its nominal's person.
"""

import django.db.models.deletion
from django.db import migrations, models


def subjects_from_nominals(apps, schema_editor):
    Disclosure = apps.get_model("disclosures", "Disclosure")
    for disclosure in Disclosure.objects.select_related("nominal").only("pk", "nominal__person_id"):
        Disclosure.objects.filter(pk=disclosure.pk).update(subject_id=disclosure.nominal.person_id)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosures", "0002_initial"),
        ("nominals", "0001_initial"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="disclosure",
            name="subject",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="disclosures_about",
                to="people.person",
            ),
        ),
        migrations.RunPython(subjects_from_nominals, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="disclosure",
            name="subject",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="disclosures_about",
                to="people.person",
            ),
        ),
        migrations.AlterField(
            model_name="disclosure",
            name="nominal",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="disclosures",
                to="nominals.nominal",
            ),
        ),
        migrations.AddConstraint(
            model_name="disclosure",
            constraint=models.CheckConstraint(
                condition=models.Q(("scheme", "mappa"), _negated=True) | models.Q(("nominal__isnull", False)),
                name="disclosure_mappa_has_nominal",
            ),
        ),
    ]
