"""`python -m dockgate` runs the command-line interface."""

import sys

from dockgate.linter.cli import main

sys.exit(main())
