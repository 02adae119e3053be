#!/usr/bin/env python
"""Django's command-line utility; `mappa` (mappa/cli.py) is the same entry point, installed."""

from mappa.cli import main

if __name__ == "__main__":
    main()
