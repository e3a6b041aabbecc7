import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_place_and_time(apps, schema_editor):
    """Copy each suggestion's compound, building and submission time to its text features."""
    TextFeatures = apps.get_model("suggestions", "TextFeatures")
    Suggestion = apps.get_model("suggestions", "Suggestion")
    of_it = Suggestion.objects.filter(pk=OuterRef("suggestion_id"))
    TextFeatures.objects.update(
        compound_id=Subquery(of_it.values("compound_id")[:1]),
        building_id=Subquery(of_it.values("building_id")[:1]),
        submitted_at=Subquery(of_it.values("submitted_at")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("places", "0001_initial"),
        ("suggestions", "0008_add_corpus_check"),
    ]

    operations = [
        migrations.AddField(
            model_name="textfeatures",
            name="compound",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="places.compound",
            ),
        ),
        migrations.AddField(
            model_name="textfeatures",
            name="building",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="places.building",
            ),
        ),
        migrations.AddField(
            model_name="textfeatures",
            name="submitted_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(fill_place_and_time, migrations.RunPython.noop),
    ]
