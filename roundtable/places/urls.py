from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("c/<slug:code>/", views.community, name="community"),
]
