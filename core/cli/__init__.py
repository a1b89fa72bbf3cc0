"""The ``carepurse`` command: operate the platform from a terminal."""

from __future__ import annotations

import click

from core.cli import audit, clients, demo, jobs, ledger, members, plugins, servers, tenants


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Carepurse: personal budgets marketplace for councils.

    Settings come from CAREPURSE_* environment variables (see README.md).
    """


for module in (servers, tenants, members, clients, audit, ledger, plugins, jobs, demo):
    module.register(main)
