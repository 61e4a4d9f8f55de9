"""`python -m broadcast_kit` runs the `kit` command."""

from broadcast_kit.cli import main

main()
