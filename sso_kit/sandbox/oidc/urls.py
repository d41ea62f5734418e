"""SSO OIDC routes: (method, path) -> (operation name, handler)."""

from sso_kit.sandbox.oidc import responses

url_paths = {
    ("POST", "/client/register"): ("RegisterClient", responses.register_client),
    ("POST", "/device_authorization"): (
        "StartDeviceAuthorization",
        responses.start_device_authorization,
    ),
    ("POST", "/token"): ("CreateToken", responses.create_token),
}
