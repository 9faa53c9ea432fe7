"""Applicants' ID numbers and phones are sealed with SM4 (fazhi.core.crypto): in the
request's own columns and in the opening events of the case log. Audit events written
before this step keep what they recorded (the chain must not be rewritten); new ones keep
only the last four characters."""

from django.db import migrations

import fazhi.core.crypto

SENSITIVE = ("id_number", "phone")


def seal_existing(apps, schema_editor):
    from fazhi.core.crypto import seal

    Request = apps.get_model("disclosure", "DisclosureRequest")
    for row in Request.objects.only("pk", *SENSITIVE).iterator(chunk_size=500):
        # Read back as plain text by the field, written sealed by it.
        Request.objects.filter(pk=row.pk).update(id_number=row.id_number, phone=row.phone)
    Event = apps.get_model("procedures", "CaseEvent")
    events = Event.objects.filter(case__procedure="disclosure").only("pk", "data")
    for event in events.iterator(chunk_size=500):
        data = dict(event.data or {})
        changed = {k: seal(v) for k, v in data.items() if k in SENSITIVE and isinstance(v, str) and v}
        if any(changed[k] != data[k] for k in changed):
            data.update(changed)
            Event.objects.filter(pk=event.pk).update(data=data)


class Migration(migrations.Migration):

    dependencies = [
        ("disclosure", "0002_initial"),
        ("procedures", "0002_list_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="disclosurerequest",
            name="id_number",
            field=fazhi.core.crypto.SealedField(blank=True, verbose_name="证件号码"),
        ),
        migrations.AlterField(
            model_name="disclosurerequest",
            name="phone",
            field=fazhi.core.crypto.SealedField(blank=True, verbose_name="联系电话"),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
