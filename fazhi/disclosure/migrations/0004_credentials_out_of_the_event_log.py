"""The query code (with the phone's last four digits, the applicant's portal credential) and
the duplicate-check fingerprint are sealed in the opening events of the case log, as the
phone and ID number already were. Fingerprints on the requests were an unkeyed SHA-256 of
name, phone and text, from which the phone could be found by trial; they only serve the
one-minute duplicate check, so the old ones are cleared (new ones are keyed).

Audit events written before this step keep what they recorded — the query code and the
phone's last four digits in the opening event — because the SM3 chain must not be
rewritten; new audit events hold neither."""

from django.db import migrations

SEALED = ("query_code", "fingerprint")


def seal_existing(apps, schema_editor):
    from fazhi.core.crypto import seal

    Event = apps.get_model("procedures", "CaseEvent")
    events = Event.objects.filter(
        case__procedure="disclosure", action__in=("register", "submit")
    ).only("pk", "data")
    for event in events.iterator(chunk_size=500):
        data = dict(event.data or {})
        changed = {k: seal(v) for k, v in data.items() if k in SEALED and isinstance(v, str) and v}
        if any(changed[k] != data[k] for k in changed):
            data.update(changed)
            Event.objects.filter(pk=event.pk).update(data=data)
    Request = apps.get_model("disclosure", "DisclosureRequest")
    Request.objects.exclude(fingerprint="").update(fingerprint="")


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0003_sealed_applicant_fields"),
    ]

    operations = [
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
