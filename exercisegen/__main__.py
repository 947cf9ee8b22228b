"""Allow `python -m exercisegen`."""

from exercisegen.cli import main

main()
