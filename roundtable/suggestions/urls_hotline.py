"""URL patterns of one part of the suggestions pages (combined in urls.py)."""

urlpatterns = []
