"""案号 counters and patterns move to core's numbering service (series ``case:<procedure>``);
the rows carry over, so each unit's next number follows its last one."""

from django.db import migrations


def carry(apps, schema_editor):
    counter = apps.get_model("procedures", "CaseCounter")
    pattern = apps.get_model("procedures", "NumberPattern")
    series = apps.get_model("core", "NumberSeries")
    core_pattern = apps.get_model("core", "NumberPattern")
    series.objects.bulk_create(
        series(unit_id=row.unit_id, series=f"case:{row.procedure}", year=row.year, last=row.last)
        for row in counter.objects.all()
    )
    core_pattern.objects.bulk_create(
        core_pattern(unit_id=row.unit_id, series=f"case:{row.procedure}", pattern=row.pattern)
        for row in pattern.objects.all()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0002_list_indexes"),
        ("core", "0004_numbering"),
    ]

    operations = [
        migrations.RunPython(carry, migrations.RunPython.noop),
        migrations.DeleteModel(name="CaseCounter"),
        migrations.DeleteModel(name="NumberPattern"),
    ]
