"""`python -m dockgate` runs the command-line interface."""

import sys

from dockgate.cli.main import main

sys.exit(main())
