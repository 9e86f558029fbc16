"""The frozen app's entry point: the same command line as the ``ydtwin`` console script."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # Dask's worker processes start through the frozen executable too
    from ydtwin.cli import main

    sys.exit(main())
