"""Demo logins (README). Only seed_demo ever creates these accounts."""

from __future__ import annotations

from modules.accounts.models import Guardianship, User

DEMO_USERS = [
    # role, email, password, phone, first, last
    ("admin", "admin@demo.markaz.uz", "demo-admin-pass", "+998901000001", "Aziza", "Karimova"),
    ("teacher", "teacher@demo.markaz.uz", "demo-teacher-pass", "+998901000002", "Bekzod", "Tursunov"),
    ("student", "student@demo.markaz.uz", "demo-student-pass", "+998901000003", "Dilnoza", "Rahimova"),
    ("parent", "parent@demo.markaz.uz", "demo-parent-pass", "+998901000004", "Rustam", "Rahimov"),
]


def demo_user(role: str) -> User:
    email = next(row[1] for row in DEMO_USERS if row[0] == role)
    return User.objects.get(email=email)


def seed(stdout, *, students: int = 0) -> None:
    for role, email, password, phone, first, last in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                phone=phone,
                first_name=first,
                last_name=last,
                role=role,
                is_staff=role == "admin",
                is_superuser=role == "admin",
            )
            user.set_password(password)
            user.email_verified_at = user.date_joined
            user.save()
            stdout.write(f"  created {role} {email}")
    Guardianship.objects.get_or_create(parent=demo_user("parent"), student=demo_user("student"))
