"""Real-world-shaped AWS config files through the tutorial's configure, then its clean-up.

Each file is remembered (step 05), configured twice (create, then update with the account and
role, as the picker does), and restored (step 09). botocore must parse every intermediate, the
learner's lines must all still be there, in order, after each write, and the restore must be
byte-identical.
"""

from __future__ import annotations

import hashlib

import pytest
from botocore.configloader import load_config as botocore_load

from sso_kit import course as steps
from sso_kit.config import config_path, configure_profile

PROFILES = "\n".join(
    f"[profile team-{n}]\nrole_arn = arn:aws:iam::1111222233{n % 100:02d}:role/R{n}\n"
    f"source_profile = default\n"
    for n in range(200)
)

FILES: dict[str, bytes] = {
    "empty": b"",
    "only comments": b"# nothing here yet\n; really\n",
    "comments everywhere": (
        b"# company defaults\n[default]\nregion = eu-west-1  # Ireland\n; output below\n"
        b"output = json\n\n# work account\n[profile work]\nregion = us-east-2\n"
    ),
    "CRLF": b"[default]\r\nregion = eu-west-1\r\n\r\n[profile work]\r\noutput = text\r\n",
    "legacy SSO profile": (
        b"[profile old-sso]\nsso_start_url = https://corp.awsapps.com/start\n"
        b"sso_region = us-east-1\nsso_account_id = 111122223333\nsso_role_name = Admin\n"
    ),
    "services section": (
        b"[profile local]\nservices = local-stack\nregion = us-east-1\n\n"
        b"[services local-stack]\ns3 =\n  endpoint_url = http://localhost:4566\n"
        b"  addressing_style = path\n"
    ),
    "credential_process": (
        b"[profile vault]\ncredential_process = /usr/bin/aws-vault exec work "
        b'--json --prompt="terminal"\nregion = eu-central-1\n'
    ),
    "unicode": (
        "# équipe données 日本語 😀\n[profile café]\nregion = eu-west-3\n"
        "; commentaire: déjà\n".encode()
    ),
    "odd spacing": (
        b"[default]\nregion=eu-west-1\noutput   =   json\n\tcli_pager =\n"
        b"[profile   spaced]\nregion\t=\tus-west-2\n"
    ),
    "no final newline": b"[default]\nregion = eu-west-1",
    "same sso-session exists": (
        b"[sso-session my-sso]\nsso_start_url = https://d-1234567890.awsapps.com/start\n"
        b"sso_region = us-east-1\n# keep this comment\n"
    ),
    "target profile exists with legacy keys": (
        b"[profile dev]\nsso_start_url = https://old.awsapps.com/start\nsso_region = eu-west-1\n"
        b"region = eu-west-1  ; mine\n"
    ),
    "role chain": (
        b"[profile base]\nregion = us-east-1\n\n[profile admin]\n"
        b"role_arn = arn:aws:iam::111122223333:role/Admin\nsource_profile = base\n"
        b"mfa_serial = arn:aws:iam::111122223333:mfa/me\nduration_seconds = 3600\n"
    ),
    "two hundred profiles": PROFILES.encode(),
    "blank lines and trailing spaces": (
        b"\n\n[default]   \nregion = eu-west-1   \n\n\n\n[profile x]\n\noutput = text\n\n\n"
    ),
    "nested s3 settings": (
        b"[default]\nca_bundle = /etc/ssl/certs/ca.pem\ns3 =\n  max_concurrent_requests = 20\n"
        b"  multipart_threshold = 64MB\nregion = us-west-2\n"
    ),
    "tab-indented nested settings": (
        b"[profile cont]\nregion = ap-southeast-2\ns3 =\n\tmax_concurrent_requests = 10\n"
        b"\tuse_accelerate_endpoint = true\n"
    ),
    "upper-case and dotted names": (
        b"[profile Prod.EU]\nregion = eu-north-1\n[profile dev@corp]\nregion = us-east-1\n"
    ),
}

SSO = {
    "sso_session": "my-sso",
    "start_url": "https://d-1234567890.awsapps.com/start",
    "sso_region": "us-east-1",
    "endpoint_url": "http://127.0.0.1:4566",
}


def still_there(original: bytes, now: bytes) -> bool:
    """Every line of ``original`` is in ``now``, in order (a changed value aside)."""
    lines = iter(now.splitlines(keepends=True))
    for line in original.splitlines(keepends=True):
        if not line.strip():
            continue
        for candidate in lines:
            if candidate.rstrip(b"\r\n") == line.rstrip(b"\r\n"):
                break
        else:
            return False
    return True


def parse() -> dict:
    return botocore_load(str(config_path()))


@pytest.mark.parametrize("name", list(FILES))
def test_configure_then_clean_up_is_byte_identical(name: str) -> None:
    original = FILES[name]
    path = config_path()
    path.write_bytes(original)
    before = hashlib.sha256(original).hexdigest()
    steps.remember_original_config()
    configure_profile("dev", **SSO)
    parsed = parse()
    assert parsed["profiles"]["dev"]["sso_session"] == "my-sso"
    assert parsed["sso_sessions"]["my-sso"]["sso_region"] == "us-east-1"
    if name != "target profile exists with legacy keys":  # those two keys must go
        assert still_there(original, path.read_bytes()), path.read_text()
    configure_profile("dev", account_id="111122223333", role_name="ReadOnly", **SSO)
    parsed = parse()
    assert parsed["profiles"]["dev"]["sso_account_id"] == "111122223333"
    assert "sso_start_url" not in parsed["profiles"]["dev"]
    if b"\r\n" in original:
        data = path.read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n"), "a CRLF file got LF lines"
    steps.restore_original_config()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert steps.config_restored()[0]
