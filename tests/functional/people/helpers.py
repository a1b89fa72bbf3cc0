"""Shared bits for the people tests: a filled-in registration form, signed-in clients."""

from __future__ import annotations

from tests.support.members import make_member, sign_in


def registration(**changes: str) -> dict[str, str]:
    """The console's register form, filled in correctly for someone managing their own budget."""
    form = {
        "name": "Dora Wilkins",
        "date_of_birth-day": "27",
        "date_of_birth-month": "3",
        "date_of_birth-year": "1947",
        "address": "12 Mill Lane\nRiverbend",
        "postcode": "sw1a1aa",
        "email": "dora@example.org",
        "invite_person": "yes",
        "phone": "07700 900982",
        "contact_preference": "email",
        "budget_manager": "person",
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


async def client_as(client_for, tenant, roles=("council_officer",), **member):
    """A member of ``tenant`` with ``roles`` and a client signed in as them."""
    someone = await make_member(tenant, roles, **member)
    client = client_for(tenant)
    response = await sign_in(client, someone.user.email)
    assert response.status_code == 303, response.text
    return someone, client
