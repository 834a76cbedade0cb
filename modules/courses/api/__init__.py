"""The courses module's endpoints: catalog (branches, courses, rooms, holidays), groups with their
roster (weekly schedules are the lessons module's). core.api mounts `router` at the API root."""

from ninja import Router

from modules.courses.api import catalog, groups, roster

router = Router()
router.add_router("", catalog.branches)
router.add_router("", catalog.courses)
router.add_router("", catalog.rooms)
router.add_router("", catalog.holidays)
router.add_router("", groups.router)
router.add_router("", roster.router)
