"""The pieces that make a lab restart harmless: ports, TIME-WAIT, workspace, stale endpoints."""

from __future__ import annotations

import json
import socket

from sso_kit.course import lab_setup
from sso_kit.course.endpoints import repair_stale_endpoints
from sso_kit.net import free_port, port_free


def test_a_port_with_only_time_wait_sockets_counts_as_free():
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    conn, _ = server.accept()
    conn.close()  # the server side closes first: its end lingers in TIME-WAIT
    client.close()
    server.close()
    assert port_free(port)


def test_a_listening_port_is_busy():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert not port_free(server.getsockname()[1])


def test_the_sandbox_port_is_remembered_and_reused_when_free(isolated_aws_home):
    port = free_port()
    lab_setup.remember_ports(sandbox=port)
    assert lab_setup.stable_port(0, "sandbox") == port
    assert lab_setup.stable_port(1234, "sandbox") == 1234  # an explicit --sandbox-port wins
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        assert lab_setup.stable_port(0, "sandbox") != port


def test_reset_workspace_forgets_open_tabs(tmp_path):
    workspaces = tmp_path / "workspaces"
    workspaces.mkdir()
    (workspaces / "default-37a8.jupyterlab-workspace").write_text(json.dumps({"data": {}}))
    (workspaces / "keep.txt").write_text("x")
    lab_setup.reset_workspace(workspaces)
    assert [p.name for p in workspaces.iterdir()] == ["keep.txt"]


def test_terminals_start_through_sso_kit_env(tmp_path):
    config = json.loads(lab_setup.terminal_config(tmp_path).read_text())
    shell = config["ServerApp"]["terminado_settings"]["shell_command"]
    assert shell[1:] == ["-m", "sso_kit", "env", "--shell"]
    cmd = lab_setup.jupyter_command(
        port=1,
        token=None,
        notebook_dir=tmp_path,
        settings_dir=tmp_path,
        workspaces_dir=tmp_path,
        config_file=tmp_path / "jupyter_server_config.json",
    )
    assert f"--config={tmp_path / 'jupyter_server_config.json'}" in cmd


def test_lab_environment_gives_kernels_no_endpoint(isolated_aws_home):
    class FakeSandbox:
        url = public_url = "http://127.0.0.1:4567"
        admin_key = "k"

    env = lab_setup.lab_environment(
        FakeSandbox(),
        {
            "PATH": "/bin",
            "AWS_ENDPOINT_URL": "http://127.0.0.1:4567",
            "SSO_KIT_SANDBOX_URL": "http://127.0.0.1:4567",
        },
    )
    assert "AWS_ENDPOINT_URL" not in env
    assert env["PATH"].startswith(str(isolated_aws_home / ".sso-kit" / "bin"))


CONFIG = """\
# my own notes stay
[profile work]
sso_session = corp
endpoint_url = http://127.0.0.1:{dead}

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1

[profile sso-kit-tutorial]
sso_session = sso-kit
region = us-east-1
endpoint_url = http://127.0.0.1:{dead}

[sso-session sso-kit]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
"""


def test_only_a_dead_sandbox_profile_is_repointed(isolated_aws_home):
    dead = free_port()
    path = isolated_aws_home / ".aws" / "config"
    path.write_text(CONFIG.format(dead=dead))

    repairs = repair_stale_endpoints(
        "http://127.0.0.1:4567", "https://my-sso-portal.awsapps.com/start"
    )

    assert [(r.profile, r.old, r.new) for r in repairs] == [
        ("sso-kit-tutorial", f"http://127.0.0.1:{dead}", "http://127.0.0.1:4567")
    ]
    expected = CONFIG.format(dead=dead).replace(
        f"region = us-east-1\nendpoint_url = http://127.0.0.1:{dead}",
        "region = us-east-1\nendpoint_url = http://127.0.0.1:4567",
    )
    assert path.read_text() == expected  # the other profile and the comment untouched
    assert repairs[0].backup is not None and repairs[0].backup.read_text() == CONFIG.format(
        dead=dead
    )


def test_a_profile_whose_endpoint_answers_is_left_alone(isolated_aws_home):
    with socket.socket() as alive:
        alive.bind(("127.0.0.1", 0))
        alive.listen()
        port = alive.getsockname()[1]
        path = isolated_aws_home / ".aws" / "config"
        path.write_text(CONFIG.format(dead=port))
        assert (
            repair_stale_endpoints(
                "http://127.0.0.1:4567", "https://my-sso-portal.awsapps.com/start"
            )
            == []
        )
        assert path.read_text() == CONFIG.format(dead=port)


def test_doctor_names_an_endpoint_with_nothing_behind_it(isolated_aws_home):
    from sso_kit import doctor

    dead = free_port()
    (isolated_aws_home / ".aws" / "config").write_text(CONFIG.format(dead=dead))

    report = doctor("sso-kit-tutorial")

    finding = next(f for f in report.findings if f.id == "config.endpoint_dead")
    assert finding.status == "warning"
    assert (
        "nothing listens there" in finding.found
        and str(dead) in finding.found
        and "make lab" in finding.fix
    )
    assert not any(f.id == "config.endpoint" for f in report.findings)
