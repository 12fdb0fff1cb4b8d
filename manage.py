#!/usr/bin/env python
"""Same as the installed `comptoir` command."""

from comptoir.__main__ import main

if __name__ == "__main__":
    main()
