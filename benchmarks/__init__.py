"""sso-kit benchmarks: ``python benchmarks/run.py`` (``make bench``) prints one Markdown table.

Every benchmark is a module with ``run(quick: bool, workdir: Path) -> list[Row]``; numbers are
compared as ratios within one run, never asserted on.
"""
