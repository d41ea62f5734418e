"""The AWS access portal API (``sso``): accounts, roles, role credentials, logout."""
