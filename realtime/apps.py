from django.apps import AppConfig


def _drain_after_task(sender, task, **kwargs):
    """A qcluster worker may be recycled (os._exit, no atexit) right after a task: let the events
    the task published leave first. Costs the worker a Redis round trip, never a request."""
    from realtime.publish import drain_publications

    drain_publications(timeout=5)


class RealtimeConfig(AppConfig):
    name = "realtime"
    verbose_name = "Real time"

    def ready(self):
        from django_q.signals import post_execute

        post_execute.connect(_drain_after_task, dispatch_uid="realtime.drain_after_task")
