#!/bin/sh
# Build the one-folder spotdesk app into dist/spotdesk/ (see build.py).
# PYTHON selects the interpreter whose packages go into the bundle; default python3.
set -eu
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" packaging/build.py "$@"
