"""``python -m semopt``: the same as the ``semopt`` command."""

import sys

from semopt.cli import main

sys.exit(main())
