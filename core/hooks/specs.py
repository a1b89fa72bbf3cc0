"""Every hook a Carepurse plugin can implement.

Rules a plugin author can rely on:

* every hook is named ``carepurse_<area>_<verb>``; the host refuses others;
* hooks receive plain data (a :class:`~core.hooks.tenant_info.TenantInfo` and
  standard types) and return plain data (dicts and lists), which the host
  validates, so plugins never need to import Carepurse;
* a plugin instance only ever serves the one tenant that enabled it;
* an exception in a plugin is logged and that plugin's answer is skipped.

``docs/plugin-guide.md`` documents each hook; a test fails if one is missing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from datetime import date
from typing import Any

from core.hooks.markers import hookspec
from core.hooks.tenant_info import TenantInfo


@hookspec(firstresult=True)
def carepurse_theme_branding(tenant: TenantInfo) -> Mapping[str, Any] | None:
    """Return the council's branding, shown on every page of its site.

    Called when a page or the tenant stylesheet is rendered. The first plugin to
    return a mapping wins; the core default (the council's name on a neutral
    theme) answers last.

    :param tenant: the council whose page is being drawn.
    :return: a mapping with ``council_name``, optional ``service_name``,
        ``logo_url`` (shown beside the council's name, so it needs no alt text),
        ``brand_colour``, ``brand_text_colour``,
        ``link_colour`` (CSS colours; each text/background pair must reach
        WCAG AA 4.5:1), ``footer_links`` (list of ``{text, href}``) and
        ``contact`` (``{phone, email, address, opening_hours}``); or ``None``
        to let another plugin answer.
    """


@hookspec
def carepurse_page_notices(tenant: TenantInfo, path: str) -> list[Mapping[str, Any]] | None:
    """Return notices to show at the top of a page (closures, news, outages).

    Called for every HTML page of the council's site. Every plugin's notices
    are shown, in plugin order.

    :param tenant: the council whose page is being drawn.
    :param path: the URL path of the page, so a notice can target some pages.
    :return: a list of ``{title, text, link_text?, link_href?, important?}``
        mappings (``important`` draws the notice in the urgent style), an
        empty list, or ``None``.
    """


@hookspec
def carepurse_tenant_housekeeping(
    tenant: TenantInfo, run_date: date
) -> Mapping[str, Any] | Awaitable[Mapping[str, Any] | None] | None:
    """Do a council's daily maintenance (clear caches, expire drafts, tidy files).

    Called once a day per active council by the housekeeping job, after the core
    work. May be ``async``. The job records each plugin's answer in its run
    summary; a run is never repeated for the same council and day, but an
    implementation must still be safe to repeat (a crash may retry it).

    :param tenant: the council being tidied.
    :param run_date: the day (Europe/London) the run is for.
    :return: a small JSON-serialisable summary such as ``{"expired_drafts": 3}``,
        or ``None``.
    """


@hookspec
def carepurse_identity_providers(tenant: TenantInfo) -> list[Mapping[str, Any]] | None:
    """Offer the council's own OpenID Connect identity providers for signing in.

    Called when the council's sign-in page is drawn and when a sign-in through a
    provider starts or returns. Every plugin's providers are offered, in plugin
    order; a provider whose ``name`` an earlier one already used is dropped.
    Users who arrive this way are identified by ``(issuer, subject)``, never by
    email, so an answer only decides *which* issuer this council trusts.

    :param tenant: the council whose sign-in page or sign-in is being handled.
    :return: a list of ``{name, label, issuer, client_id, client_secret, scopes,
        default_roles, email_domains?}`` mappings: ``name`` is the URL-safe id in
        ``/sign-in/<name>``, ``label`` the button text, ``issuer`` an ``https://``
        URL (``http://`` only on loopback), ``scopes`` must include ``openid``,
        ``default_roles`` are the roles a first sign-in gives, and
        ``email_domains`` (optional) limits who may sign in by email domain; an
        empty list or ``None`` for none.
    """


@hookspec(firstresult=True)
def carepurse_monitoring_policy(tenant: TenantInfo) -> Mapping[str, Any] | None:
    """Say how closely the council watches the personal budgets it pays for.

    Called by the daily budget monitoring job (which raises and resolves
    exceptions and emails the council about new ones) and when the council's
    monitoring page is drawn. The first plugin to return a mapping wins; the
    core default (level ``none``) answers last. Answers are validated and kept
    until the council's configuration changes.

    :param tenant: the council whose budgets are being monitored.
    :return: a mapping with ``level`` (``none``: the council sees outcomes only;
        ``exception``: it is alerted when a budget is forecast to overspend, or
        to underspend by more than ``underspend_percent`` of the money the period
        brings; ``full``: it also sees every transaction), ``underspend_percent``
        (0-100, default 20), optional ``overspend_notice_days`` (flag an
        overspend only when the money is forecast to run out within that many
        days) and ``notify_emails`` (addresses emailed when exceptions are
        raised); or ``None`` to let another plugin answer.
    """


@hookspec(firstresult=True)
def carepurse_accreditation_policy(tenant: TenantInfo) -> Mapping[str, Any] | None:
    """Say how the council vets the providers in its marketplace.

    Called when the marketplace decides which providers' services people can
    see, when a provider applies, and by the daily accreditation expiry job.
    The first plugin to return a mapping wins; the core default (``open``)
    answers last.

    :param tenant: the council whose marketplace is being shown or vetted.
    :return: a mapping with ``mode`` (``open``: any provider with a live store is
        listed and accredited ones get the council's badge; ``kitemark``: only
        accredited providers are listed), ``badge_label`` (the badge's words,
        e.g. "Riverbend Approved"), ``warning_days`` (how long before expiry the
        provider is warned, default 30) and ``required_evidence`` (evidence kinds
        an application must include: ``document``, ``cqc``, ``dbs``,
        ``insurance``, ``other_registration``); or ``None`` to let another
        plugin answer.
    """


@hookspec(firstresult=True)
def carepurse_ordering_policy(tenant: TenantInfo) -> Mapping[str, Any] | None:
    """Set the council's rules for orders, cancellations and deliveries.

    Called when an order is placed (to set the provider's answer-by time), when a
    person or broker cancels a session or booking (to check the notice), and by the
    daily job that confirms deliveries nobody disputed. The first plugin to return a
    mapping wins; the core default answers last.

    :param tenant: the council whose orders are being placed, changed or delivered.
    :return: a mapping with ``response_hours`` (how long a provider has to accept or
        decline an order before it lapses and the money is released, 1-336, default
        48), ``notice_hours`` (how long before a session a cancellation must come for
        the money to be released; later cancellations still stop the visit but the
        session stays payable, 0-336, default 0) and ``auto_confirm_days`` (a delivery
        the person has not confirmed or disputed counts as confirmed after this many
        days, 1-60, default 7); or ``None`` to let another plugin answer.
    """
