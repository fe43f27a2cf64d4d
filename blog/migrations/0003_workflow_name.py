"""Wagtail names its default page workflow after the group it uses,
"Moderators approval", and the German admin then offers
"In Moderators approval einreichen". The blog is German: call it
"Redaktionsprüfung" (unless someone renamed it already)."""

from django.db import migrations

OLD, NEW = "Moderators approval", "Redaktionsprüfung"


def rename(apps, schema_editor, old=OLD, new=NEW):
    for model in ("Workflow", "Task"):
        apps.get_model("wagtailcore", model).objects.filter(name=old).update(name=new)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, old=NEW, new=OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_linkbacks"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(rename, rename_back)]
