"""`python -m broadcast_kit` runs the `kit` command."""

from broadcast_kit.entry import main

main()
