"""SSO OIDC (``sso-oidc``): client registration, device and PKCE grants, tokens."""
