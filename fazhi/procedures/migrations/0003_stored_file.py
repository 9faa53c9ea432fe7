# The bytes of each case document (uploaded or generated) move into core.StoredFile (one row
# per content, its type read from the content); the columns that held them go.

import django.db.models.deletion
from django.db import migrations, models

from fazhi.core.uploads import stored_id


def to_store(apps, schema_editor):
    StoredFile = apps.get_model("core", "StoredFile")
    CaseDocument = apps.get_model("procedures", "CaseDocument")
    for pk in CaseDocument.objects.order_by("pk").values_list("pk", flat=True).iterator():
        row = CaseDocument.objects.only("filename", "content", "content_type").get(pk=pk)
        file_id = stored_id(
            StoredFile, bytes(row.content), name=row.filename, content_type=row.content_type
        )
        CaseDocument.objects.filter(pk=pk).update(file_id=file_id)
    if schema_editor.connection.vendor == "postgresql":
        # The new foreign keys are checked now, so that the table may be altered below.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def from_store(apps, schema_editor):
    CaseDocument = apps.get_model("procedures", "CaseDocument")
    for row in CaseDocument.objects.select_related("file").iterator():
        CaseDocument.objects.filter(pk=row.pk).update(
            content=row.file.content, size=row.file.size, content_type=row.file.content_type
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_stored_file'),
        ('procedures', '0002_list_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='casedocument',
            name='file',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.storedfile', verbose_name='文件'),
        ),
        # Going back, the old columns return empty and are filled again: blank (no change to
        # the database) lets text and bytes columns be added empty, size needs a default.
        migrations.AlterField(
            model_name='casedocument',
            name='content',
            field=models.BinaryField(blank=True, verbose_name='内容'),
        ),
        migrations.AlterField(
            model_name='casedocument',
            name='content_type',
            field=models.CharField(blank=True, max_length=128, verbose_name='类型'),
        ),
        migrations.AlterField(
            model_name='casedocument',
            name='size',
            field=models.PositiveIntegerField(default=0, verbose_name='大小'),
        ),
        migrations.RunPython(to_store, from_store),
        migrations.RemoveField(
            model_name='casedocument',
            name='content',
        ),
        migrations.RemoveField(
            model_name='casedocument',
            name='content_type',
        ),
        migrations.RemoveField(
            model_name='casedocument',
            name='size',
        ),
        migrations.AlterField(
            model_name='casedocument',
            name='file',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.storedfile', verbose_name='文件'),
        ),
    ]
