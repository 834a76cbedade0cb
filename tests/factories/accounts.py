from __future__ import annotations

import factory

from modules.accounts.models import Guardianship, User

PASSWORD = "correct-horse-battery-1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    phone = factory.Sequence(lambda n: f"+99890{2000000 + n:07d}")
    email = factory.Sequence(lambda n: f"user{n}@example.uz")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = User.Role.STUDENT
    language = "en"
    password = factory.django.Password(PASSWORD)


class AdminFactory(UserFactory):
    role = User.Role.ADMIN
    is_staff = True
    is_superuser = True


class TeacherFactory(UserFactory):
    role = User.Role.TEACHER


class StudentFactory(UserFactory):
    role = User.Role.STUDENT


class ParentFactory(UserFactory):
    role = User.Role.PARENT


def link_parent(parent: User, student: User) -> Guardianship:
    return Guardianship.objects.create(parent=parent, student=student)
