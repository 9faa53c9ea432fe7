# Notifications moved to core (fazhi.core.notifications): the rows are copied, then the
# plans table goes.

from django.db import migrations


def copy_to_core(apps, schema_editor):
    Old = apps.get_model("plans", "Notification")
    New = apps.get_model("core", "Notification")
    rows = Old.objects.order_by("pk")
    last = 0
    while True:
        chunk = list(rows.filter(pk__gt=last)[:2000])
        if not chunk:
            return
        last = chunk[-1].pk
        created = New.objects.bulk_create(
            New(
                recipient_id=row.recipient_id, kind=row.kind, text=row.text, url=row.url,
                read_at=row.read_at, dedupe_key=row.dedupe_key,
            )
            for row in chunk
        )
        # auto_now_add stamped the copies with today: give them back their own times.
        for copy, row in zip(created, chunk, strict=True):
            copy.created_at = row.created_at
        New.objects.bulk_update(created, ["created_at"])


def copy_back(apps, schema_editor):
    New = apps.get_model("core", "Notification")
    Old = apps.get_model("plans", "Notification")
    Old.objects.bulk_create(
        Old(
            recipient_id=row.recipient_id, kind=row.kind[:16], text=row.text, url=row.url,
            created_at=row.created_at, read_at=row.read_at, dedupe_key=row.dedupe_key,
        )
        for row in New.objects.order_by("pk").iterator(chunk_size=2000)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_notifications'),
        ('plans', '0004_draft_text_as_written'),
    ]

    operations = [
        migrations.RunPython(copy_to_core, copy_back),
        migrations.DeleteModel(
            name='Notification',
        ),
    ]
