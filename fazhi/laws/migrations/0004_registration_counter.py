"""统一登记编号 from a locked counter row per prefix and year (was: the highest number in use
plus one, read without a lock, so concurrent registrations took the same number). The
counters start at the highest number already given."""

import re

from django.db import migrations, models

NUMBER = re.compile(r"^(.{1,32})〔(\d{4})〕(\d+)号$")


def seed(apps, schema_editor):
    document = apps.get_model("laws", "NormativeDocument")
    counter = apps.get_model("laws", "RegistrationCounter")
    last: dict[tuple[str, int], int] = {}
    for number in document.objects.exclude(registration_number=None).values_list(
        "registration_number", flat=True
    ):
        found = NUMBER.match(number)
        if found:
            key = (found[1], int(found[2]))
            last[key] = max(last.get(key, 0), int(found[3]))
    counter.objects.bulk_create(
        [counter(prefix=prefix, year=year, last=n) for (prefix, year), n in last.items()]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0003_pg_term_windows"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegistrationCounter",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("prefix", models.CharField(max_length=32)),
                ("year", models.PositiveSmallIntegerField()),
                ("last", models.PositiveIntegerField(default=0)),
            ],
            options={
                "verbose_name": "登记编号计数",
                "verbose_name_plural": "登记编号计数",
                "constraints": [
                    models.UniqueConstraint(fields=("prefix", "year"), name="laws_registration_counter")
                ],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
