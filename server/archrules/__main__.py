"""``python -m archrules``."""

from archrules.cli.main import main

raise SystemExit(main())
