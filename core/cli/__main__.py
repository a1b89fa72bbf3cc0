"""``python -m core.cli`` runs the ``carepurse`` command."""

from core.cli import main

main()
