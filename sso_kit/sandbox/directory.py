"""The sandbox's directory: users, permission sets and assignments in moto's own backends.

Users live in moto's identitystore, permission sets and account assignments in its ssoadmin
backend and the accounts in its organizations backend, so the tutorial's admin steps can be
real boto3 calls against the sandbox and the portal sees their effect. Passwords are the
sandbox's own addition (stored as salted scrypt hashes). Role credentials come from a real IAM
role per (account, permission set) that carries the permission set's policies, assumed with
moto's STS, so moto's IAM enforcement applies to every S3 call made with them.
Passwords live in :mod:`sso_kit.sandbox.passwords`, roles in :mod:`sso_kit.sandbox.roles`.

All calls here are in-process backend calls: they are the administrator's own actions and do
not pass through moto's request authentication.
"""

from __future__ import annotations

import json
import os
import threading
from typing import Any

from sso_kit.sandbox.passwords import Passwords, new_password
from sso_kit.sandbox.roles import Roles

DEFAULT_USER = "learner"
ADMIN_USER = "sandbox-admin"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"


class Directory(Passwords, Roles):
    """Users and entitlements of one sandbox organisation."""

    def __init__(self, seed: dict[str, Any]) -> None:
        # moto loads AWS managed policies (PowerUserAccess, AdministratorAccess) into an
        # account's IAM backend only if this is set before that backend is first touched.
        os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
        self.seed = seed
        self.start_url: str = seed["start_url"]
        self.region: str = seed["region"]
        self.management_account: str = seed["accounts"][0]["id"]
        self.accounts: dict[str, dict[str, str]] = {a["id"]: a for a in seed["accounts"]}
        self.lock = threading.RLock()
        self._init_passwords()
        self._roles: dict[tuple[str, str], str] = {}
        self.admin_keys: tuple[str, str] | None = None  # the administrator's IAM access key

    # -- moto backends ------------------------------------------------------------------
    def _ssoadmin(self) -> Any:
        from moto.ssoadmin.models import ssoadmin_backends

        return ssoadmin_backends[self.management_account][self.region]

    def _identitystore(self) -> Any:
        from moto.identitystore.models import identitystore_backends

        return identitystore_backends[self.management_account][self.region]

    @property
    def instance(self) -> Any:
        return self._ssoadmin().instances[0]

    # -- seeding ------------------------------------------------------------------------
    def apply_seed(
        self,
        learners: int = 0,
        passwords: dict[str, str] | None = None,
        admin: dict[str, str] | None = None,
    ) -> None:
        """Create the organisation, administrator, permission sets and users of the seed."""
        passwords = passwords or {}
        self._create_organization()
        self.ensure_admin(admin)
        for name, spec in self.seed.get("permission_sets", {}).items():
            self.create_permission_set(name, spec)
        users = list(self.seed.get("users", []))
        for n in range(1, learners + 1):
            users.append(
                {
                    "name": f"learner{n:02d}",
                    "display_name": f"Learner {n:02d}",
                    "assignments": self.seed.get("learner_assignments", []),
                }
            )
        for spec in users:
            password = passwords.get(spec["name"]) or spec.get("password") or new_password()
            self.create_user(spec["name"], password, spec.get("display_name"), spec.get("email"))
            for item in spec.get("assignments", []):
                self.assign(spec["name"], str(item["account"]), item["permission_set"])

    def _create_organization(self) -> None:
        from moto.organizations.models import organizations_backends

        backend = organizations_backends[self.management_account]["aws"]
        if backend.org is not None:
            return
        backend.create_organization(region=self.region, FeatureSet="ALL")
        for account in self.seed["accounts"][1:]:
            backend.create_account(AccountName=account["name"], Email=account["email"])
            created = backend.accounts[-1]
            old_id, created.id = created.id, account["id"]
            organizations_backends.master_accounts.pop(old_id, None)
            organizations_backends.master_accounts[account["id"]] = (
                self.management_account,
                "aws",
            )
        backend.accounts[0].name = self.seed["accounts"][0]["name"]

    def ensure_admin(self, saved: dict[str, str] | None = None) -> tuple[str, str]:
        """The management account's IAM administrator (AdministratorAccess) and its access key.

        moto checks a signature and IAM policies on every request, so the tutorial's admin
        steps need a real IAM user to sign with. ``saved`` (from :meth:`export`) brings back
        the same key after a restart; sandboxes sharing one process share the user and key.
        """
        from moto.iam.models import iam_backends

        iam = iam_backends[self.management_account]["global"]
        with self.lock:
            if ADMIN_USER not in iam.users:
                iam.create_user(self.region, ADMIN_USER, path="/sso-kit/")
            user = iam.users[ADMIN_USER]
            if ADMIN_POLICY not in user.managed_policies:
                iam.attach_user_policy(ADMIN_POLICY, ADMIN_USER)
            keys = {k.access_key_id: k for k in iam.list_access_keys(ADMIN_USER)}
            key = keys.get(saved["access_key_id"]) if saved else next(iter(keys.values()), None)
            if key is None:
                for old in keys.values():  # IAM allows two keys per user: keep only ours
                    iam.delete_access_key(old.access_key_id, ADMIN_USER)
                key = iam.create_access_key(ADMIN_USER)
                if saved:
                    del iam.access_keys[key.physical_resource_id]
                    key.access_key_id = saved["access_key_id"]
                    key.secret_access_key = saved["secret_access_key"]
                    iam.access_keys[key.physical_resource_id] = key
            self.admin_keys = (key.access_key_id, key.secret_access_key)
        return self.admin_keys

    def invite(self, name: str, password: str | None = None) -> str:
        """Give an identity-store user (e.g. made with boto3) a sandbox password; returns it.

        This stands in for the e-mail invitation of real IAM Identity Center.
        """
        if self.user_id(name) is None:
            raise ValueError(
                f"there is no user {name!r} in the identity store; create it first "
                "(identitystore create_user)"
            )
        if password is not None and len(password) < 8:
            raise ValueError("a sandbox password needs at least 8 characters")
        password = password or new_password()
        self.set_password(name, password)
        return password

    def create_permission_set(self, name: str, spec: dict[str, Any]) -> str:
        backend = self._ssoadmin()
        existing = self.permission_set_by_name(name)
        if existing is not None:
            return existing.permission_set_arn
        created = backend.create_permission_set(
            name=name,
            description=spec.get("description", name),
            instance_arn=self.instance.instance_arn,
            session_duration=spec.get("session_duration", "PT1H"),
            relay_state="",
            tags=[],
        )
        arn = created["PermissionSetArn"]
        for policy in spec.get("managed_policies", []):
            backend.attach_managed_policy_to_permission_set(self.instance.instance_arn, arn, policy)
        if spec.get("inline_policy"):
            backend.put_inline_policy_to_permission_set(
                self.instance.instance_arn, arn, json.dumps(spec["inline_policy"])
            )
        return arn

    def create_user(
        self, name: str, password: str, display_name: str | None = None, email: str | None = None
    ) -> str:
        """Create an identity-store user with a sandbox password; returns the user id."""
        store = self._identitystore()
        user_id = self.user_id(name)
        if user_id is None:
            user_id, _ = store.create_user(
                self.instance.identity_store_id,
                name,
                {"GivenName": name, "FamilyName": "Learner"},
                display_name or name,
                None,
                None,
                [{"Value": email or f"{name}@example.com", "Type": "work", "Primary": True}],
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            )
        self.set_password(name, password)
        return user_id

    def user_id(self, name: str) -> str | None:
        store = self._identitystore()
        data = store.identity_stores.get(self.instance.identity_store_id)
        if data is None:
            return None
        for user_id, user in list(data.users.items()):  # an admin may add users meanwhile
            if user.UserName == name:
                return str(user_id)
        return None

    def user_names(self) -> list[str]:
        data = self._identitystore().identity_stores.get(self.instance.identity_store_id)
        return sorted(u.UserName for u in list(data.users.values())) if data else []

    # -- entitlements -------------------------------------------------------------------
    def permission_set_by_name(self, name: str) -> Any | None:
        for ps in self._ssoadmin().permission_sets:
            if ps.name == name and ps.instance_arn == self.instance.instance_arn:
                return ps
        return None

    def permission_set_by_arn(self, arn: str) -> Any | None:
        for ps in self._ssoadmin().permission_sets:
            if ps.permission_set_arn == arn:
                return ps
        return None

    def _assignment(self, user: str, account_id: str, permission_set: str) -> tuple[Any, ...]:
        """The arguments moto's ssoadmin takes to create or delete this assignment."""
        ps = self.permission_set_by_name(permission_set)
        user_id = self.user_id(user)
        if ps is None or user_id is None:
            raise KeyError(f"unknown user {user!r} or permission set {permission_set!r}")
        arn = self.instance.instance_arn
        return (arn, account_id, "AWS_ACCOUNT", ps.permission_set_arn, "USER", user_id)

    def assign(self, user: str, account_id: str, permission_set: str) -> None:
        args = self._assignment(user, account_id, permission_set)
        if (account_id, permission_set) not in self.assignments(user):
            self._ssoadmin().create_account_assignment(*args)

    def remove_assignment(self, user: str, account_id: str, permission_set: str) -> bool:
        try:
            args = self._assignment(user, account_id, permission_set)
        except KeyError:
            return False
        if (account_id, permission_set) not in self.assignments(user):
            return False
        self._ssoadmin().delete_account_assignment(*args)
        return True

    def assignments(self, user: str) -> list[tuple[str, str]]:
        """(account id, permission set name) pairs the user may use, in a stable order."""
        user_id = self.user_id(user)
        if user_id is None:
            return []
        pairs = set()
        for row in list(self._ssoadmin().account_assignments):
            if row.principal_id != user_id or row.instance_arn != self.instance.instance_arn:
                continue
            ps = self.permission_set_by_arn(row.permission_set_arn)
            if ps is not None:
                pairs.add((row.target_id, ps.name))
        return sorted(pairs)

    def account_info(self, account_id: str) -> dict[str, str]:
        info = self.accounts.get(account_id, {})
        return {
            "accountId": account_id,
            "accountName": info.get("name", f"Account {account_id}"),
            "emailAddress": info.get("email", f"aws+{account_id}@example.com"),
        }

    def export(self) -> dict[str, Any]:
        """Everything needed to rebuild the directory after a restart."""
        permission_sets: dict[str, Any] = {}
        for ps in self._ssoadmin().permission_sets:
            permission_sets[ps.name] = {
                "description": ps.description,
                "session_duration": ps.session_duration,
                "managed_policies": [p.arn for p in ps.managed_policies],
                **({"inline_policy": json.loads(ps.inline_policy)} if ps.inline_policy else {}),
            }
        users = [
            {
                "name": name,
                "assignments": [
                    {"account": a, "permission_set": p} for a, p in self.assignments(name)
                ],
            }
            for name in self.user_names()
        ]
        passwords = {u.name: u.password for u in self.users.values()}
        admin = None
        if self.admin_keys:
            admin = dict(zip(("access_key_id", "secret_access_key"), self.admin_keys, strict=True))
        return {
            "seed": {**self.seed, "permission_sets": permission_sets, "users": users},
            "passwords": passwords,
            "admin": admin,
        }
