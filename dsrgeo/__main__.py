"""``python -m dsrgeo`` runs the command line."""

import sys

from dsrgeo.cli import main

sys.exit(main())
