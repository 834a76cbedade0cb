from ninja import Query, Router

from core.pagination import paginate
from core.permissions import IsAdmin, check
from core.schemas import errors
from modules.courses.branches import report_branches
from modules.payments import exports, reports
from modules.payments.schemas import DebtorOut, DebtorQuery, ReportQuery, RevenueGroupOut, RevenueMonthOut

CAN_SEE_REPORTS = IsAdmin
FORMATS = "`?format=csv` or `?format=xlsx` downloads the same rows as a file."

# the same 200 also comes as a file with ?format=csv|xlsx: documented so clients and fuzzers know
FILES = {
    "responses": {
        200: {
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                exports.XLSX: {"schema": {"type": "string", "format": "binary"}},
            }
        }
    }
}

router = Router(tags=["payment reports"])


@router.get(
    "/payments/reports/revenue-by-month",
    response={200: list[RevenueMonthOut], **errors(401, 403, 404, 422, 429)},
    summary="Revenue by month (paid invoices)",
    description=FORMATS,
    openapi_extra=FILES,
)
@paginate
def get_revenue_by_month(request, query: Query[ReportQuery]):
    check(CAN_SEE_REPORTS, request.auth)
    rows = reports.revenue_by_month(
        date_from=query.date_from,
        date_to=query.date_to,
        branches=report_branches(request.auth, query.branch),
    )
    if query.format != "json":
        return exports.table_response("revenue-by-month", query.format, *exports.revenue_month_table(rows))
    return rows


@router.get(
    "/payments/reports/revenue-by-group",
    response={200: list[RevenueGroupOut], **errors(401, 403, 404, 422, 429)},
    summary="Revenue by group (paid invoices)",
    description=FORMATS,
    openapi_extra=FILES,
)
@paginate
def get_revenue_by_group(request, query: Query[ReportQuery]):
    check(CAN_SEE_REPORTS, request.auth)
    rows = reports.revenue_by_group(
        date_from=query.date_from,
        date_to=query.date_to,
        branches=report_branches(request.auth, query.branch),
    )
    if query.format != "json":
        return exports.table_response("revenue-by-group", query.format, *exports.revenue_group_table(rows))
    return rows


@router.get(
    "/payments/reports/debtors",
    response={200: list[DebtorOut], **errors(401, 403, 404, 422, 429)},
    summary="Students with overdue invoices and what they owe",
    description=FORMATS,
    openapi_extra=FILES,
)
@paginate
def get_payment_debtors(request, query: Query[DebtorQuery]):
    check(CAN_SEE_REPORTS, request.auth)
    rows = reports.debtors(
        group=query.group, by=query.by, branches=report_branches(request.auth, query.branch)
    )
    if query.format != "json":
        return exports.table_response("debtors", query.format, *exports.debtors_table(rows))
    return rows
