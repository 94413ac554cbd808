from django.urls import path

from . import views

app_name = "assignments"

urlpatterns = [
    path("workspace/<int:participation>/pre-assignment/", views.submission, name="submission"),
]
