"""Entry script of the PyInstaller bundle: the `spotdesk` command, or a worker with --worker."""

import multiprocessing

from spotdesk.frozen import main

if __name__ == "__main__":
    # A library that starts multiprocessing children would re-run the bundle's executable.
    multiprocessing.freeze_support()
    raise SystemExit(main())
