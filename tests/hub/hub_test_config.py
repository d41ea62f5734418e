"""The recipe (hub/jupyterhub_config.py) plus a driver service whose token the test uses."""

import os

c = get_config()  # noqa: F821
load_subconfig(os.environ["SSO_KIT_HUB_RECIPE"])  # noqa: F821

c.JupyterHub.services.append(
    {"name": "test-driver", "api_token": os.environ["SSO_KIT_HUB_DRIVER_TOKEN"]}
)
c.JupyterHub.load_roles.append(
    {
        "name": "test-driver",
        "scopes": ["admin:users", "admin:servers", "access:servers"],
        "services": ["test-driver"],
    }
)
# the test starts servers through the API; signing in need not spawn one (less CPU)
c.JupyterHub.default_url = "/hub/home"
