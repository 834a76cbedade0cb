from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "modules.attendance"
    label = "attendance"
    verbose_name = "Attendance"

    def ready(self) -> None:
        from modules.attendance.viewer import viewer_attendance
        from modules.lessons import viewer

        viewer.register(viewer_attendance)
