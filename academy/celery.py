"""The Celery application: ``celery -A academy worker`` and ``celery -A academy beat``."""

import os

from celery import Celery
from celery.signals import before_task_publish, task_postrun, task_prerun

from academy.logs import carry_to_task, forget_after_task, take_from_task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "academy.settings")

app = Celery("academy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# A task's log lines name the request that queued it (academy/logs.py).
before_task_publish.connect(carry_to_task, weak=False)
task_prerun.connect(take_from_task, weak=False)
task_postrun.connect(forget_after_task, weak=False)
