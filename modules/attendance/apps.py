from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttendanceConfig(AppConfig):
    name = "modules.attendance"
    label = "attendance"
    verbose_name = _("Attendance")

    def ready(self) -> None:
        from modules.attendance.viewer import viewer_attendance
        from modules.lessons import viewer

        viewer.register(viewer_attendance)
