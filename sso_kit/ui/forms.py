"""The profile form (start URL, SSO region, names) and the account/role picker.

The form validates as the learner types and only enables "Save profile" when every field is
valid; saving calls :func:`sso_kit.config.configure_profile` and shows the section as written.
After login, :class:`AccountRolePicker` fills two dropdowns from the access portal and writes the
chosen account and role into the same profile, like the second half of ``aws configure sso``.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Callable
from types import ModuleType
from typing import Any

import ipywidgets as widgets

from sso_kit.errors import ValidationError
from sso_kit.ui.messages import StatusMessage, classed, guarded
from sso_kit.ui.session import SessionState

#: The role the tutorial recommends when the portal offers it (least privilege for developers).
PREFERRED_ROLE = "PowerUserAccess"


def _validate_module() -> ModuleType:
    from sso_kit import validate

    return validate


def _configure() -> Callable[..., Any]:
    from sso_kit.config import configure_profile

    return configure_profile


def configure_sso_answers(
    *,
    sso_session: str,
    start_url: str,
    sso_region: str,
    account_id: str | None = None,
    role_name: str | None = None,
    region: str | None = None,
    output: str = "json",
    profile: str,
) -> str:
    """The prompts of ``aws configure sso`` with the answers that produce the same file."""
    lines = [
        f"SSO session name (Recommended): {sso_session}",
        f"SSO start URL [None]: {start_url}",
        f"SSO region [None]: {sso_region}",
        "SSO registration scopes [sso:account:access]:",
        "  (the CLI opens a browser to log in, then lists your accounts and roles)",
        f"Account: {account_id or '(chosen from the list after login)'}",
        f"Role: {role_name or '(chosen from the list after login)'}",
        f"Default client Region [None]: {region or ''}",
        f"CLI default output format (json if not specified) [None]: {output}",
        f"Profile name [...]: {profile}",
    ]
    return "\n".join(lines)


class ProfileForm(widgets.VBox):
    """Start URL, SSO region, session and profile names, with live validation and Save."""

    @property
    def region(self) -> str | None:
        """The profile's ``region`` (the Default client Region dropdown's value)."""
        return self.client_region.value

    @region.setter
    def region(self, value: str | None) -> None:
        if value and value not in self.client_region.options:  # shown, then refused on Save
            self.client_region.options = (*self.client_region.options, value)
        self.client_region.value = value or None

    def __init__(
        self,
        *,
        start_url: str = "",
        sso_region: str = "us-east-1",
        sso_session: str = "sso-kit",
        profile: str = "sso-kit-tutorial",
        account_id: str | None = None,
        role_name: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        configure: Callable[..., Any] | None = None,
        validate: ModuleType | Any | None = None,
        regions: list[str] | None = None,
    ) -> None:
        self._validate = validate or _validate_module()
        self._configure = configure or _configure()
        self.account_id, self.role_name = account_id, role_name
        self.endpoint_url = endpoint_url
        self.change: Any = None
        self.on_saved: list[Callable[[Any], None]] = []
        options = list(regions if regions is not None else self._validate.sso_regions())
        if sso_region and sso_region not in options:
            options.append(sso_region)  # shown, then reported invalid by validation
        style = {"description_width": "9em"}
        layout = widgets.Layout(width="38em")
        self.start_url = classed(
            widgets.Text(
                value=start_url,
                description="Start URL",
                placeholder="https://my-sso-portal.awsapps.com/start",
                continuous_update=True,
                style=style,
                layout=layout,
            ),
            "sso-start-url",
        )
        self.sso_region = classed(
            widgets.Dropdown(
                options=options, value=sso_region or None, description="SSO region", style=style
            ),
            "sso-region",
        )
        self.sso_session = widgets.Text(value=sso_session, description="Session name", style=style)
        self.profile = widgets.Text(value=profile, description="Profile name", style=style)
        # `aws configure sso` asks this too: the profile's `region`, for ordinary AWS calls.
        self.client_region = classed(
            widgets.Dropdown(
                options=options, value=None, description="Default client Region", style=style
            ),
            "sso-client-region",
        )
        self.region = region or sso_region or None
        self.validation = classed(widgets.HTML(), "sso-validation")
        self.save_button = classed(
            widgets.Button(description="Save profile", button_style="primary"), "sso-save"
        )
        self.status = StatusMessage()
        self.written = classed(widgets.HTML(), "sso-written-section")
        for widget in (self.start_url, self.sso_region, self.sso_session, self.profile):
            widget.observe(self._on_change, names="value")
        self.save_button.on_click(guarded(self.status, self.save))
        super().__init__(
            [
                self.start_url,
                self.sso_region,
                self.sso_session,
                self.profile,
                self.client_region,
                self.validation,
                self.save_button,
                self.status,
                self.written,
            ]
        )
        self._on_change()

    # -- validation -------------------------------------------------------------------------
    def check(self) -> tuple[dict[str, str], dict[str, str], list[str]]:
        """Validate every field: (cleaned values, problems by field, notes about fixes)."""
        v = self._validate
        checks = {
            "start_url": lambda: v.validate_start_url(self.start_url.value),
            "sso_region": lambda: v.validate_sso_region(self.sso_region.value or ""),
            "sso_session": lambda: v.validate_name(self.sso_session.value, kind="sso-session"),
            "profile": lambda: v.validate_name(self.profile.value, kind="profile"),
        }
        cleaned: dict[str, str] = {}
        problems: dict[str, str] = {}
        notes: list[str] = []
        for field, run in checks.items():
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                try:
                    cleaned[field] = run()
                except ValidationError as exc:
                    problems[field] = str(exc)
            notes.extend(str(w.message) for w in caught if issubclass(w.category, UserWarning))
        return cleaned, problems, notes

    def _on_change(self, _change: object = None) -> None:
        _, problems, notes = self.check()
        self.save_button.disabled = bool(problems)
        if problems:
            items = "".join(f"<li>{html.escape(msg)}</li>" for msg in problems.values())
            self.validation.value = f'<ul style="color:#cf222e;margin:0">{items}</ul>'
        else:
            extra = "".join(f"<br>{html.escape(n)}" for n in notes)
            self.validation.value = f'<span style="color:#1a7f37">✓ Ready to save.</span>{extra}'

    @property
    def problems(self) -> dict[str, str]:
        """Current validation problems by field (empty when the form can be saved)."""
        return self.check()[1]

    # -- actions ----------------------------------------------------------------------------
    def save(self) -> Any:
        """Write the sso-session and profile; returns the ConfigChange. Raises on bad input."""
        cleaned, problems, _ = self.check()
        if problems:
            field, message = next(iter(problems.items()))
            raise ValidationError(field, message)
        self.status.show("Saving…")
        change = self._configure(
            cleaned["profile"],
            sso_session=cleaned["sso_session"],
            start_url=cleaned["start_url"],
            sso_region=cleaned["sso_region"],
            account_id=self.account_id,
            role_name=self.role_name,
            region=self.client_region.value or None,
            endpoint_url=self.endpoint_url,
        )
        self.change = change
        verb = "Created" if getattr(change, "created", True) else "Updated"
        self.status.show(f"{verb} profile {cleaned['profile']} in {change.path}.", "ok")
        self.written.value = f"<pre>{html.escape(change.section_text)}</pre>"
        for callback in self.on_saved:
            callback(change)
        return change

    def answers(self) -> str:
        """What to type into ``aws configure sso`` to get the same result."""
        return configure_sso_answers(
            sso_session=self.sso_session.value,
            start_url=self.start_url.value,
            sso_region=self.sso_region.value or "",
            account_id=self.account_id,
            role_name=self.role_name,
            region=self.client_region.value,
            profile=self.profile.value,
        )


class AccountRolePicker(widgets.VBox):
    """Account and role dropdowns filled from the access portal; "Use" writes them."""

    def __init__(
        self,
        profile: str,
        *,
        list_accounts: Callable[..., list[Any]] | None = None,
        list_account_roles: Callable[..., list[str]] | None = None,
        read_profile: Callable[[str], dict[str, Any]] | None = None,
        configure: Callable[..., Any] | None = None,
        state: SessionState | None = None,
    ) -> None:
        if list_accounts is None or list_account_roles is None:
            from sso_kit import portal

            list_accounts = list_accounts or portal.list_accounts
            list_account_roles = list_account_roles or portal.list_account_roles
        if read_profile is None:
            from sso_kit.config import read_profile
        self.profile = profile
        self._list_accounts = list_accounts
        self._list_roles = list_account_roles
        self._read_profile = read_profile
        self._configure = configure or _configure()
        self.change: Any = None
        self.load_button = classed(
            widgets.Button(description="Load my accounts"), "sso-load-accounts"
        )
        self.account = classed(
            widgets.Dropdown(description="Account", options=[], disabled=True), "sso-account"
        )
        self.role = classed(
            widgets.Dropdown(description="Role", options=[], disabled=True), "sso-role"
        )
        self.use_button = classed(
            widgets.Button(
                description="Use this account and role", button_style="primary", disabled=True
            ),
            "sso-use-role",
        )
        self.status = StatusMessage()
        self.written = classed(widgets.HTML(), "sso-written-section")
        self.load_button.on_click(guarded(self.status, self.load))
        self.use_button.on_click(guarded(self.status, self.apply))
        self.account.observe(self._on_account, names="value")
        super().__init__(
            [self.load_button, self.account, self.role, self.use_button, self.status, self.written]
        )
        #: logged in (now, or later from any widget or terminal) -> the accounts load by themselves
        self.state = state or SessionState.shared(profile, None)
        self.state.observe(self._on_login, names="logged_in")
        if self.state.logged_in:
            self._load_shown()

    def follow(self, panel: Any) -> None:
        """Also load as soon as ``panel`` (a LoginPanel) reports a successful login."""
        panel.on_success.append(lambda _result: self._load_shown())

    def _on_login(self, change: Any) -> None:
        if change["new"]:
            self._load_shown()

    def _load_shown(self) -> None:
        """Load once per picker (the state and a followed panel may both report a login)."""
        if self.account.options:
            return
        with self.status.guard():
            self.load()

    def load(self) -> list[Any]:
        """Ask the portal which accounts this login can use and fill the dropdown."""
        self.status.show("Asking the access portal for your accounts…")
        accounts = self._list_accounts(profile=self.profile)
        if not accounts:
            self.status.show(
                "The portal lists no accounts for you. Ask your administrator for an "
                "assignment (step 1), then log in again.",
                "warn",
            )
            return []
        self.account.options = [
            (f"{a.account_id} · {getattr(a, 'name', '') or ''}".strip(" ·"), a.account_id)
            for a in accounts
        ]
        self.account.disabled = False
        self.account.value = accounts[0].account_id  # fires _on_account
        self._on_account()
        self.status.show(f"Found {len(accounts)} account(s). Pick an account and a role.", "ok")
        return accounts

    def _on_account(self, _change: object = None) -> None:
        with self.status.guard():
            if not self.account.value:
                return
            roles = list(self._list_roles(self.account.value, profile=self.profile))
            self.role.options = roles
            self.role.disabled = not roles
            if roles:
                self.role.value = PREFERRED_ROLE if PREFERRED_ROLE in roles else roles[0]
            self.use_button.disabled = not roles

    def choose(self, account_id: str | None = None, role_name: str | None = None) -> Any:
        """Headless path: load, select (given values or the defaults), and write the profile."""
        if not self.account.options:
            self.load()
        if account_id:
            ids = [value for _, value in self.account.options]
            if str(account_id) not in ids:
                raise ValidationError(
                    "account_id",
                    f"Account {account_id} is not among the accounts the portal offers you "
                    f"({', '.join(ids) or 'none'}).",
                    hint="Pick one of those, or ask your administrator for an assignment.",
                )
            self.account.value = str(account_id)
        if role_name:
            if role_name not in self.role.options:
                raise ValidationError(
                    "role_name",
                    f"Role {role_name} is not offered in account {self.account.value} "
                    f"({', '.join(self.role.options) or 'none'}).",
                    hint="Pick one of those roles.",
                )
            self.role.value = role_name
        return self.apply()

    def apply(self) -> Any:
        """Write the chosen account and role into the profile (keeping its other settings)."""
        if not self.account.value or not self.role.value:
            raise ValidationError(
                "account_id", "No account and role chosen yet.", hint="Click Load my accounts."
            )
        current = self._read_profile(self.profile)
        change = self._configure(
            self.profile,
            sso_session=current["sso_session"],
            start_url=current["sso_start_url"],
            sso_region=current["sso_region"],
            account_id=self.account.value,
            role_name=self.role.value,
            region=current.get("region"),
            endpoint_url=current.get("endpoint_url"),
        )
        self.change = change
        self.written.value = f"<pre>{html.escape(change.section_text)}</pre>"
        self.status.show(
            f"Profile {self.profile} now uses role {self.role.value} in account "
            f"{self.account.value}.",
            "ok",
        )
        return change
