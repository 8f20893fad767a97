"""``python -m dsrgeo.build``: rebuild the layers (the same as ``dsrgeo build``)."""

import sys

from dsrgeo.build import main

sys.exit(main())
