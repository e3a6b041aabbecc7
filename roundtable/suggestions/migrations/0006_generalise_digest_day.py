"""The digest's day marker becomes the day marker of every daily task (DailyRun, by name); the
digest days already sent keep their rows, named "digest"."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("suggestions", "0005_add_text_features"),
    ]

    operations = [
        migrations.RenameModel("DigestDay", "DailyRun"),
        migrations.AlterModelOptions(
            name="dailyrun",
            options={"verbose_name": "daily run", "verbose_name_plural": "daily runs"},
        ),
        migrations.AddField(
            model_name="dailyrun",
            name="name",
            field=models.CharField(default="digest", max_length=50, verbose_name="task"),
        ),
        migrations.AlterField(
            model_name="dailyrun",
            name="day",
            field=models.DateField(verbose_name="day"),
        ),
        migrations.AddConstraint(
            model_name="dailyrun",
            constraint=models.UniqueConstraint(fields=("name", "day"), name="one_run_a_day"),
        ),
    ]
