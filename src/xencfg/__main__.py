"""``python -m xencfg`` is the ``xencfg`` command."""

from .cli import main

raise SystemExit(main())
