from ninja import Router

from core.schemas import errors
from realtime.schemas import TicketOut
from realtime.tickets import issue_ticket

router = Router(tags=["realtime"])


@router.post(
    "/realtime/ticket",
    response={200: TicketOut, **errors(401, 429)},
    summary="Get a single-use WebSocket ticket (60 s): connect to /ws/?ticket=<ticket>",
)
def create_realtime_ticket(request):
    ticket, ttl = issue_ticket(request.auth)
    return {"ticket": ticket, "expires_in": ttl}
