"""Commands (being built)."""

import click


def register(group: click.Group) -> None:
    """Adds this module's commands to ``group``."""
