from ninja import Query, Router

from core.permissions import IsAdmin, check
from core.schemas import errors
from modules.courses.branches import report_branches
from modules.payments import cashbox, exports
from modules.payments.api.reports import FILES
from modules.payments.money_schemas import CashboxOut, CashboxQuery

CAN_SEE_CASHBOX = IsAdmin

router = Router(tags=["payment reports"])


@router.get(
    "/payments/reports/cashbox",
    response={200: CashboxOut, **errors(401, 403, 404, 422, 429)},
    summary="The cash desk for a day: totals per method and cashier, every payment and refund",
    description="`?format=csv` or `?format=xlsx` downloads every record and the totals as a file.",
    openapi_extra=FILES,
)
def get_cashbox_report(request, query: Query[CashboxQuery]):
    check(CAN_SEE_CASHBOX, request.auth)
    report = cashbox.cashbox_report(
        day=query.date, branch=query.branch, branches=report_branches(request.auth, query.branch)
    )
    if query.format != "json":
        name = f"cashbox-{report['date'].isoformat()}"
        return exports.table_response(name, query.format, *cashbox.cashbox_table(report))
    return report
