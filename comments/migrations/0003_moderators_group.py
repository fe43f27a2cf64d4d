from django.db import migrations

PERMISSIONS = ["view_comment", "change_comment", "delete_comment"]


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    group, _ = Group.objects.get_or_create(name="Moderators")
    content_type, _ = ContentType.objects.get_or_create(app_label="comments", model="comment")
    for codename in PERMISSIONS:
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type,
            codename=codename,
            defaults={"name": f"Can {codename.split('_')[0]} comment"},
        )
        group.permissions.add(permission)
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    ).first()
    if admin_access is not None:
        group.permissions.add(admin_access)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Moderators").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0002_moderation"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
