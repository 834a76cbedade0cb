from ninja import Query, Router, Status

from core.idempotency import idempotent
from core.net import client_address
from core.pagination import paginate
from core.permissions import IsAdmin, IsAuthenticated, check
from core.schemas import errors
from core.throttling import IpThrottle
from modules.accounts import selectors, services, tokens
from modules.accounts.models import User
from modules.accounts.schemas import (
    AcceptedOut,
    GuardianLinkIn,
    LoginIn,
    MeOut,
    MePatchIn,
    PasswordChangeIn,
    RefreshIn,
    RegisterIn,
    ResetConfirmIn,
    ResetRequestIn,
    TokenIn,
    TokenPairOut,
    UserCreateIn,
    UserDetailOut,
    UserFilter,
    UserOut,
    UserUpdateIn,
)
from modules.accounts.throttles import login_throttles, reset_throttles

CAN_MANAGE_USERS = IsAdmin
CAN_USE_ACCOUNT = IsAuthenticated()

router = Router()
auth = Router(tags=["auth"])
users = Router(tags=["users"])


def _client(request) -> dict:
    return {"user_agent": request.headers.get("User-Agent", ""), "ip": client_address(request)}


def _pair(pair: tokens.TokenPair) -> dict:
    return {
        "access": pair.access,
        "refresh": pair.refresh,
        "token_type": "bearer",
        "expires_in": pair.expires_in,
        "user": pair.user,
    }


@auth.post(
    "/login",
    auth=None,
    response={200: TokenPairOut, **errors(401, 422, 429)},
    throttle=login_throttles(),
    summary="Log in with email or phone",
)
def login(request, payload: LoginIn):
    return _pair(
        services.login_with_password(login=payload.login, password=payload.password, **_client(request))
    )


@auth.post(
    "/refresh",
    auth=None,
    response={200: TokenPairOut, **errors(401, 422, 429)},
    throttle=[IpThrottle("login_ip")],
    summary="Rotate a refresh token",
)
def refresh(request, payload: RefreshIn):
    return _pair(tokens.session_refresh(raw_refresh=payload.refresh, **_client(request)))


@auth.post("/logout", response={204: None, **errors(401, 422, 429)}, summary="Revoke a session")
def logout(request, payload: RefreshIn):
    tokens.session_logout(user=request.auth, raw_refresh=payload.refresh)
    return Status(204, None)


@auth.get("/me", response={200: MeOut, **errors(401, 429)}, summary="The signed-in user")
def get_me(request):
    return selectors.me(request.auth)


@auth.patch("/me", response={200: MeOut, **errors(401, 409, 422, 429)}, summary="Update own profile")
def update_me(request, payload: MePatchIn):
    fields = payload.dict(exclude_unset=True)
    services.own_profile_update(
        user=request.auth, current_password=fields.pop("current_password", None), **fields
    )
    return selectors.user_with_children(request.auth.pk)


@auth.post(
    "/register",
    auth=None,
    response={201: MeOut, **errors(409, 422, 429)},
    throttle=[IpThrottle("register")],
    summary="Sign up as a student",
)
def register(request, payload: RegisterIn):
    user = services.user_register(**payload.dict())
    return Status(201, selectors.user_with_children(user.pk))


@auth.post(
    "/password/change",
    response={204: None, **errors(401, 422, 429)},
    summary="Change own password (ends other sessions)",
)
def change_password(request, payload: PasswordChangeIn):
    check(CAN_USE_ACCOUNT, request.auth)
    services.password_change(
        user=request.auth,
        old_password=payload.old_password,
        new_password=payload.new_password,
        current_session=request.auth.token_claims.get("sid") or None,
    )
    return Status(204, None)


@auth.post(
    "/password/reset",
    auth=None,
    response={202: AcceptedOut, **errors(422, 429)},
    throttle=reset_throttles(),
    summary="Email a password-reset link",
)
def request_password_reset(request, payload: ResetRequestIn):
    services.password_reset_request(login=payload.login)
    return Status(202, {"detail": "If the account exists, a reset link has been sent."})


@auth.post(
    "/password/reset/confirm",
    auth=None,
    response={204: None, **errors(422, 429)},
    throttle=[IpThrottle("password_reset")],
    summary="Set a new password with a reset token",
)
def confirm_password_reset(request, payload: ResetConfirmIn):
    services.password_reset_confirm(token=payload.token, new_password=payload.new_password)
    return Status(204, None)


@auth.post(
    "/email/verify/send",
    response={202: AcceptedOut, **errors(401, 409, 422, 429)},
    summary="Send (or resend) the email verification link",
)
def send_email_verification(request):
    services.email_verification_send(user=request.auth)
    return Status(202, {"detail": "A verification link has been sent."})


@auth.post(
    "/email/verify",
    auth=None,
    response={200: UserOut, **errors(422, 429)},
    throttle=[IpThrottle("password_reset")],
    summary="Confirm an email address",
)
def confirm_email(request, payload: TokenIn):
    return services.email_verification_confirm(token=payload.token)


# --- user management (admins; a branch admin sees and changes the people of their branches) ----------


@users.get("/users", response={200: list[UserOut], **errors(401, 403, 422, 429)}, summary="List users")
@paginate
def list_users(request, filters: Query[UserFilter]):
    check(CAN_MANAGE_USERS, request.auth)
    return selectors.user_list(
        request.auth,
        role=filters.role,
        is_active=filters.is_active,
        search=filters.search,
        ordering=filters.ordering,
    )


@users.post(
    "/users", response={201: UserDetailOut, **errors(401, 403, 409, 422, 429)}, summary="Create a user"
)
@idempotent
def create_user(request, payload: UserCreateIn):
    check(CAN_MANAGE_USERS, request.auth)
    user = services.user_create(actor=request.auth, **payload.dict())
    return Status(201, selectors.user_detail(request.auth, user.pk))


@users.get(
    "/users/{user_id}", response={200: UserDetailOut, **errors(401, 403, 404, 429)}, summary="Get a user"
)
def get_user(request, user_id: int):
    check(CAN_MANAGE_USERS, request.auth)
    return selectors.user_detail(request.auth, user_id)


@users.patch(
    "/users/{user_id}",
    response={200: UserDetailOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Update a user (branch_ids: the director only)",
)
def update_user(request, user_id: int, payload: UserUpdateIn):
    check(CAN_MANAGE_USERS, request.auth)
    user = selectors.user_visible_or_404(request.auth, user_id)
    services.user_update(user=user, actor=request.auth, **payload.dict(exclude_unset=True))
    return selectors.user_detail(request.auth, user.pk)


def _changeable(request, user_id: int) -> User:
    check(CAN_MANAGE_USERS, request.auth)
    user = selectors.user_visible_or_404(request.auth, user_id)
    services.user_may_change(actor=request.auth, user=user)
    return user


@users.post(
    "/users/{user_id}/deactivate",
    response={200: UserOut, **errors(401, 403, 404, 429)},
    summary="Deactivate a user (ends their sessions)",
)
def deactivate_user(request, user_id: int):
    return services.user_set_active(user=_changeable(request, user_id), active=False)


@users.post(
    "/users/{user_id}/activate",
    response={200: UserOut, **errors(401, 403, 404, 429)},
    summary="Reactivate a user",
)
def activate_user(request, user_id: int):
    return services.user_set_active(user=_changeable(request, user_id), active=True)


@users.post(
    "/users/{user_id}/children",
    response={200: MeOut, **errors(401, 403, 404, 422, 429)},
    summary="Link a student to a parent",
)
def link_child(request, user_id: int, payload: GuardianLinkIn):
    parent = _changeable(request, user_id)
    student = selectors.user_visible_or_404(request.auth, payload.student_id)
    services.guardian_link(parent=parent, student=student, relation=payload.relation)
    return selectors.user_with_children(parent.pk)


@users.delete(
    "/users/{user_id}/children/{student_id}",
    response={204: None, **errors(401, 403, 404, 429)},
    summary="Unlink a student from a parent",
)
def unlink_child(request, user_id: int, student_id: int):
    services.guardian_unlink(parent=_changeable(request, user_id), student_id=student_id)
    return Status(204, None)


router.add_router("/auth", auth)
router.add_router("", users)
