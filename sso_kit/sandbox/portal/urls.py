"""Portal routes: (method, path) -> (operation name, handler)."""

from sso_kit.sandbox.portal import responses

url_paths = {
    ("GET", "/federation/credentials"): ("GetRoleCredentials", responses.get_role_credentials),
    ("GET", "/assignment/accounts"): ("ListAccounts", responses.list_accounts),
    ("GET", "/assignment/roles"): ("ListAccountRoles", responses.list_account_roles),
    ("POST", "/logout"): ("Logout", responses.logout),
}
