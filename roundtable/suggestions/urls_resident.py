"""URL patterns of the residents' suggestion pages (combined in urls.py)."""

from django.urls import path

from . import views_resident as views

urlpatterns = [
    path("suggestions/new/", views.new, name="new"),
    path("me/suggestions/", views.mine, name="mine"),
    path("suggestions/<str:reference>/", views.detail, name="detail"),
    path("suggestions/<str:reference>/rate/", views.rate, name="rate"),
    path("suggestions/<str:reference>/photos/<int:pk>/", views.photo, name="photo"),
    path(
        "suggestions/<str:reference>/photos/<int:pk>/thumbnail/",
        views.photo,
        {"thumbnail": True},
        name="thumbnail",
    ),
    path("c/<slug:code>/suggestions/", views.public_list, name="public"),
    path("c/<slug:code>/suggestions/<str:reference>/", views.public_detail, name="public_detail"),
]
