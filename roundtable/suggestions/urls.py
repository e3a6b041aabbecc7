"""The suggestions pages: residents', staff's and the hotline import, each in its own module."""

from . import urls_hotline, urls_resident, urls_staff

app_name = "suggestions"
urlpatterns = [*urls_resident.urlpatterns, *urls_staff.urlpatterns, *urls_hotline.urlpatterns]
