"""JupyterHub recipe: the sso-kit workshop sandbox as a hub-managed service.

    jupyterhub -f hub/jupyterhub_config.py

What it sets up (every value can be changed through the environment variables below):

* the hub starts ``sso-kit workshop start`` as the managed service ``sso-sandbox``, with its
  API token; the hub's proxy serves it at ``/services/sso-sandbox/``, so learners' browsers
  reach the sign-in pages at ``<hub>/services/sso-sandbox/device``;
* every learner's server gets ``SSO_KIT_WORKSHOP_URL`` (the service's internal address, for
  the kernels) and ``SSO_KIT_LEARNER`` (their hub user name): notebook 00 joins the shared
  sandbox by itself;
* the dashboard, ``<hub>/services/sso-sandbox/_workshop/``, signs instructors in with the
  hub's OAuth: hub admins and members of the ``instructors`` group; learners are refused.

Hub user names must be the workshop's: learner01 … learnerNN. The authenticator and spawner
here are JupyterHub's own for one machine (DummyAuthenticator, SimpleLocalProcessSpawner):
fine on a laptop or for a test, not for a room. For a room, keep this file's services and
environment and choose a real authenticator (see docs/workshop.md, TLJH and Zero to JupyterHub).

Environment: SSO_KIT_HUB_IP (127.0.0.1), SSO_KIT_HUB_PORT (8000), SSO_KIT_HUB_PUBLIC_URL
(http://IP:PORT), SSO_KIT_SANDBOX_PORT (8765), SSO_KIT_WORKSHOP_LEARNERS (30),
SSO_KIT_WORKSHOP_DATA (./workshop-data), SSO_KIT_HUB_HOMES (./homes), SSO_KIT_INSTRUCTORS
(instructor; comma-separated admin users), SSO_KIT_HUB_API_PORT (8081),
SSO_KIT_PROXY_API_PORT (8001).
"""

import os
import sys

from sso_kit.lean_imports import launcher

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

env = os.environ.get
here = os.getcwd()
hub_ip = env("SSO_KIT_HUB_IP", "127.0.0.1")
hub_port = int(env("SSO_KIT_HUB_PORT", "8000"))
public_url = env("SSO_KIT_HUB_PUBLIC_URL", f"http://{hub_ip}:{hub_port}").rstrip("/")
sandbox_port = int(env("SSO_KIT_SANDBOX_PORT", "8765"))
learners = int(env("SSO_KIT_WORKSHOP_LEARNERS", "30"))
data_dir = env("SSO_KIT_WORKSHOP_DATA", os.path.join(here, "workshop-data"))
instructors = [n for n in env("SSO_KIT_INSTRUCTORS", "instructor").split(",") if n]
service = "sso-sandbox"
prefix = f"/services/{service}"
sandbox_url = f"http://127.0.0.1:{sandbox_port}"

c.JupyterHub.ip = hub_ip
c.JupyterHub.port = hub_port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(env("SSO_KIT_HUB_API_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env('SSO_KIT_PROXY_API_PORT', '8001')}"
c.JupyterHub.cleanup_servers = True

# -- the workshop sandbox as a managed service ---------------------------------------------
command = [sys.executable, "-m", "sso_kit", "workshop", "start", "--port", str(sandbox_port)]
command += ["--prefix", prefix, "--public-url", public_url + prefix, "--data-dir", data_dir]
if not os.path.exists(os.path.join(data_dir, "workshop.json")):
    command += ["--learners", str(learners)]  # first start; later starts restore the room
c.JupyterHub.services = [
    {
        "name": service,
        "url": sandbox_url,  # the hub's proxy sends /services/sso-sandbox/ here
        "command": command,
        "display": True,
        "oauth_no_confirm": True,
        "environment": {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")},
    }
]
# the dashboard asks the hub who is signing in (identity, group membership)
c.JupyterHub.load_roles = [
    {"name": "sso-sandbox-service", "scopes": ["read:users:name", "read:groups"], "services": [service]},
]
c.JupyterHub.load_groups = {"instructors": {"users": instructors}}

# -- learners -------------------------------------------------------------------------------
c.Spawner.environment = {
    "SSO_KIT_WORKSHOP_URL": sandbox_url,  # kernels talk to the service directly
    "SSO_KIT_LEARNER": lambda spawner: spawner.user.name,  # callables get the spawner
}
c.Spawner.default_url = "/lab"
# jupyterhub-singleuser as its console script starts it, minus a format checker that costs
# each learner's server start seconds of CPU (sso_kit/lean_imports.py): the room's burst
c.Spawner.cmd = [sys.executable, "-c", launcher("jupyterhub.singleuser")]
if os.getuid() == 0:  # containers and CI often run everything as root
    c.Spawner.args = ["--allow-root"]
c.Spawner.env_keep = ["PATH", "PYTHONPATH", "LANG", "LC_ALL"]
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180

# one machine: the hub's own local authenticator and spawner (replace them for a real room)
c.JupyterHub.authenticator_class = "dummy"
c.Authenticator.allow_all = True
c.Authenticator.admin_users = set(instructors)
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = os.path.join(
    env("SSO_KIT_HUB_HOMES", os.path.join(here, "homes")), "{username}"
)
