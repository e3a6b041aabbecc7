from django.urls import path

from . import views, views_audit, views_groups, views_import, views_roles

app_name = "people"
urlpatterns = [
    path("login/", views.login_page, name="login"),
    path("login/code/send/", views.send_code, name="send_code"),
    path("login/code/", views.code_login, name="code_login"),
    path("login/password/", views.password_login, name="password_login"),
    path("logout/", views.logout_view, name="logout"),
    path("me/", views.profile, name="profile"),
    path("me/consent/", views.consent, name="consent"),
    path("me/birth-year/", views.birth_year, name="birth_year"),
    path("me/export/", views.export_data, name="export"),
    path("me/password/", views.password, name="password"),
    path("work/", views.workspace, name="workspace"),
    path("work/register/", views.register, name="register"),
    path("work/register/import/", views_import.import_register, name="import_register"),
    path("work/register/template.xlsx", views_import.register_template, name="register_template"),
    path("work/audit/", views_audit.audit_log, name="audit_log"),
    path("work/roles/", views_roles.roles, name="roles"),
    path("work/roles/<int:pk>/revoke/", views_roles.revoke, name="revoke_role"),
    path("work/groups/", views_groups.groups, name="groups"),
    path("work/groups/<int:pk>/", views_groups.detail, name="group"),
    path("work/groups/<int:pk>/rename/", views_groups.rename, name="group_rename"),
    path("work/groups/<int:pk>/move/", views_groups.move, name="group_move"),
    path("work/groups/<int:pk>/delete/", views_groups.delete, name="group_delete"),
    path(
        "work/groups/<int:pk>/members/<int:user_pk>/remove/",
        views_groups.remove_member,
        name="group_remove_member",
    ),
]
