"""Steps browser tests share."""

from __future__ import annotations

from collections.abc import Callable

from playwright.async_api import Page

from tests.support.accessibility import assert_accessible
from tests.support.members import PASSWORD


async def sign_in_page(
    page: Page,
    site: Callable[..., str],
    slug: str,
    email: str,
    next_path: str | None = None,
    *,
    password: str = PASSWORD,
    check_accessible: bool = False,
) -> None:
    """Sign in on a council's sign-in page; with ``next_path``, wait to arrive there."""
    await page.goto(site(slug, f"/sign-in?next={next_path}" if next_path else "/sign-in"))
    if check_accessible:
        await assert_accessible(page)
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password", exact=True).fill(password)
    await page.get_by_role("button", name="Sign in").click()
    if next_path:
        await page.wait_for_url(f"**{next_path}")
    else:
        await page.wait_for_load_state()
