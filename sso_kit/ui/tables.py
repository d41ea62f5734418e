"""The bucket table: what ``aws s3 ls`` prints, as an HTML table with a Refresh button."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

import ipywidgets as widgets

from sso_kit.ui.messages import StatusMessage, guarded


def _list_buckets(profile: str) -> list[Any]:
    from sso_kit.buckets import list_buckets

    return list_buckets(profile)


def _when(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")
    return str(value or "")


def render_buckets(buckets: list[Any]) -> str:
    """An HTML table of bucket names and creation times (escaped)."""
    if not buckets:
        return "<p><i>No buckets visible to this role.</i></p>"
    rows = "".join(
        f"<tr><td>{html.escape(_when(b.created))}</td><td><code>{html.escape(b.name)}</code></td></tr>"
        for b in buckets
    )
    return f"<table><thead><tr><th>Created</th><th>Bucket</th></tr></thead><tbody>{rows}</tbody></table>"


class BucketTable(widgets.VBox):
    """Lists the buckets the profile's role can see, through botocore's own SSO provider."""

    def __init__(
        self, profile: str, *, list_buckets: Callable[[str], list[Any]] = _list_buckets
    ) -> None:
        self.profile = profile
        self._list = list_buckets
        self.buckets: list[Any] = []
        self.refresh_button = widgets.Button(description="List my buckets", icon="refresh")
        self.table = widgets.HTML()
        self.table.add_class("sso-bucket-table")
        self.refresh_button.add_class("sso-list-buckets")
        self.status = StatusMessage()
        self.refresh_button.on_click(guarded(self.status, self.refresh))
        super().__init__([self.refresh_button, self.table, self.status])

    def refresh(self) -> list[Any]:
        """Call S3 ListBuckets with the profile and show the result."""
        self.status.show(f"Listing buckets with profile {self.profile}…")
        self.buckets = list(self._list(self.profile))
        self.table.value = render_buckets(self.buckets)
        self.status.show(f"{len(self.buckets)} bucket(s).", "ok")
        return self.buckets
