from django.db import migrations


def fill(apps, schema_editor):
    """The summary of the suggestions already there: the rebuild, with this migration's models.

    It calls the app's rebuild rather than restating the figures' definitions here: a second copy
    of the rules would be a second truth. The rebuild writes only the columns the table has.
    """
    from roundtable.suggestions.summaries import rebuild

    Suggestion = apps.get_model("suggestions", "Suggestion")
    MonthlyTally = apps.get_model("suggestions", "MonthlyTally")
    communities = Suggestion.objects.values_list("community_id", flat=True).distinct()
    for community_id in communities.order_by("community_id"):
        rebuild(community_id, suggestions=Suggestion, summary=MonthlyTally)


class Migration(migrations.Migration):
    dependencies = [("suggestions", "0003_add_monthly_tally")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
