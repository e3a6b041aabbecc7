from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("me/messages/", views.inbox, name="inbox"),
    path("me/messages/read/", views.read_all, name="read_all"),
]
