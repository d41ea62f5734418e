"""``python -m sso_kit`` is the ``sso-kit`` command."""

from sso_kit.cli import main

raise SystemExit(main())
