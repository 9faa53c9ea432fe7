"""统一登记编号 counters move to core's numbering service (series ``laws.registration``,
platform-wide). Each year's counter starts at the highest number of the current prefix
already given — by the old counter or typed by hand."""

import re

from django.conf import settings
from django.db import migrations

SERIES = "laws.registration"


def carry(apps, schema_editor):
    prefix = str(getattr(settings, "LAWS_REGISTRATION_PREFIX", "抚规"))
    number = re.compile(rf"^{re.escape(prefix)}〔(\d{{4}})〕(\d+)号$")
    last: dict[int, int] = {}
    try:
        counter = apps.get_model("laws", "RegistrationCounter")
    except LookupError:  # run again on today's models (a test of this seed)
        counter = None
    if counter is not None:
        for row in counter.objects.filter(prefix=prefix):
            last[row.year] = max(last.get(row.year, 0), row.last)
    document = apps.get_model("laws", "NormativeDocument")
    for given in document.objects.exclude(registration_number=None).values_list(
        "registration_number", flat=True
    ):
        found = number.match(given)
        if found:
            year = int(found[1])
            last[year] = max(last.get(year, 0), int(found[2]))
    series = apps.get_model("core", "NumberSeries")
    for year, n in last.items():
        series.objects.update_or_create(
            unit=None, series=SERIES, year=year, defaults={"last": n}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("laws", "0004_registration_counter"),
        ("core", "0004_numbering"),
    ]

    operations = [
        migrations.RunPython(carry, migrations.RunPython.noop),
        migrations.DeleteModel(name="RegistrationCounter"),
    ]
