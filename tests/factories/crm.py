"""Factories for modules.crm.

lead = LeadFactory()                                   # new, walk-in, unique phone
LeadFactory(status="contacted", assignee=admin, course=course)
"""

from __future__ import annotations

import factory

from modules.crm.models import Lead


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    phone = factory.Sequence(lambda n: f"+99893{3000000 + n:07d}")
    email = ""
    source = Lead.Source.WALK_IN
    status = Lead.Status.NEW
    language = "en"
