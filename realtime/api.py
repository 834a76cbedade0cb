from ninja import Router

from core.schemas import errors
from realtime.asyncapi import document
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


# Public like openapi.json, and like it not an operation of the OpenAPI document itself.
@router.get("/asyncapi.json", auth=None, include_in_schema=False)
def asyncapi_document(request):
    return document()
