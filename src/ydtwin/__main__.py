"""``python -m ydtwin`` runs the same command line as the ``ydtwin`` console script."""

import sys

from ydtwin.cli import main

if __name__ == "__main__":
    sys.exit(main())
