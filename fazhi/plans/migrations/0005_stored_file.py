# The bytes of each 佐证材料 move into core.StoredFile (one row per content); the columns that
# held them go.

import django.db.models.deletion
from django.db import migrations, models

from fazhi.core.uploads import stored_id


def to_store(apps, schema_editor):
    StoredFile = apps.get_model("core", "StoredFile")
    Evidence = apps.get_model("plans", "Evidence")
    for pk in Evidence.objects.order_by("pk").values_list("pk", flat=True).iterator():
        row = Evidence.objects.only("name", "content").get(pk=pk)
        file_id = stored_id(StoredFile, bytes(row.content), name=row.name)
        Evidence.objects.filter(pk=pk).update(file_id=file_id)
    if schema_editor.connection.vendor == "postgresql":
        # The new foreign keys are checked now, so that the table may be altered below.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def from_store(apps, schema_editor):
    Evidence = apps.get_model("plans", "Evidence")
    for row in Evidence.objects.select_related("file").iterator():
        Evidence.objects.filter(pk=row.pk).update(
            content=row.file.content, size=row.file.size, sha256=row.file.sha256,
            kind=row.file.kind,
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_stored_file'),
        ('plans', '0004_draft_text_as_written'),
    ]

    operations = [
        migrations.AddField(
            model_name='evidence',
            name='file',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.storedfile', verbose_name='文件'),
        ),
        # Going back, the old columns return empty and are filled again: blank (no change to
        # the database) lets text and bytes columns be added empty, size needs a default.
        migrations.AlterField(
            model_name='evidence',
            name='content',
            field=models.BinaryField(blank=True, verbose_name='内容'),
        ),
        migrations.AlterField(
            model_name='evidence',
            name='kind',
            field=models.CharField(blank=True, max_length=8, verbose_name='类型'),
        ),
        migrations.AlterField(
            model_name='evidence',
            name='sha256',
            field=models.CharField(blank=True, db_index=True, max_length=64, verbose_name='SHA-256'),
        ),
        migrations.AlterField(
            model_name='evidence',
            name='size',
            field=models.PositiveIntegerField(default=0, verbose_name='大小（字节）'),
        ),
        migrations.RunPython(to_store, from_store),
        migrations.RemoveField(
            model_name='evidence',
            name='content',
        ),
        migrations.RemoveField(
            model_name='evidence',
            name='kind',
        ),
        migrations.RemoveField(
            model_name='evidence',
            name='sha256',
        ),
        migrations.RemoveField(
            model_name='evidence',
            name='size',
        ),
        migrations.AlterField(
            model_name='evidence',
            name='file',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.storedfile', verbose_name='文件'),
        ),
    ]
