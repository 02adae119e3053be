"""The first confidentiality statement, after the substance of MAPPA D (domain.md §3.2).

Later versions are added by a data migration like this one; the highest version is current, and
each attendee's signature names the version they signed.
"""

from django.db import migrations

TEXT = """This meeting is held because the risk the people discussed may pose is so great that issues of public or individual safety outweigh their right to confidentiality.

The minutes and papers of this meeting are exempt from disclosure under the Freedom of Information Act 2000 (sections 30(1)(b), 38, 40 and 41). Discussion takes account of Article 8(2) of the European Convention on Human Rights: public safety, the prevention of crime and disorder, the protection of health and morals, and the protection of the rights and freedoms of others.

All papers and minutes are marked OFFICIAL-SENSITIVE. You must not copy, print or download them, or share their contents outside this meeting, without the chair's agreement. Any copy you are given is numbered and marked with your name, and you must keep it in the restricted section of your agency's records. Information shared here remains the responsibility of the agency that supplied it; passing it to another agency needs the chair's permission and is decided on a need-to-know, necessary and proportionate basis.

MAPPA is committed to equal access to its services for everyone, whatever their age, disability, gender reassignment, marriage or civil partnership, pregnancy or maternity, race, religion or belief, sex or sexual orientation.

By signing, you agree to keep this meeting and its papers confidential on these terms."""


def create(apps, schema_editor):
    statement_model = apps.get_model("meetings", "ConfidentialityStatement")
    statement_model.objects.get_or_create(
        version=1, defaults={"title": "Confidentiality and diversity statement", "text": TEXT}
    )


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
