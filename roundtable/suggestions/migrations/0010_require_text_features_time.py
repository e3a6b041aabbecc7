from django.db import migrations, models


class Migration(migrations.Migration):
    """Apart from 0009: PostgreSQL alters no table with the updates of its transaction pending."""

    dependencies = [
        ("suggestions", "0009_copy_place_to_text_features"),
    ]

    operations = [
        migrations.AlterField(
            model_name="textfeatures",
            name="submitted_at",
            field=models.DateTimeField(),
        ),
    ]
