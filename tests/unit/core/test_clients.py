"""Client reuse: the same inputs give the same client, any changed input gives a fresh one."""

from __future__ import annotations

import os

import pytest

from sso_kit.clients import cached_client, new_session

CONFIG = "[profile p]\nregion = us-east-1\nendpoint_url = http://127.0.0.1:9\n"


def _write_config(home, text=CONFIG):
    path = home / ".aws" / "config"
    path.write_text(text)
    return path


def test_same_inputs_reuse_one_client(isolated_aws_home):
    _write_config(isolated_aws_home)
    first = cached_client("sso", profile="p", region="us-east-1", unsigned=True)
    assert cached_client("sso", profile="p", region="us-east-1", unsigned=True) is first
    assert cached_client("sso", profile="p", region="eu-west-1", unsigned=True) is not first


def test_a_changed_config_file_gives_a_fresh_client(isolated_aws_home):
    path = _write_config(isolated_aws_home)
    first = cached_client("s3", profile="p")
    assert first.meta.endpoint_url == "http://127.0.0.1:9"
    path.write_text(CONFIG.replace(":9", ":10"))
    os.utime(path, ns=(1, 1))  # a stamp that surely differs from the first write
    second = cached_client("s3", profile="p")
    assert second is not first
    assert second.meta.endpoint_url == "http://127.0.0.1:10"


def _access_key(client):
    return client._request_signer._credentials.get_frozen_credentials().access_key


def _write_credentials(home, key):
    path = home / ".aws" / "credentials"
    temp = path.with_suffix(".tmp")
    temp.write_text(f"[p]\naws_access_key_id = {key}\naws_secret_access_key = s\n")
    temp.replace(path)  # a new file, as every writer of credentials makes one
    return path


def test_a_signed_client_stays_but_its_credentials_follow_the_files(isolated_aws_home):
    _write_config(isolated_aws_home)
    path = _write_credentials(isolated_aws_home, "AKIAFIRST")
    s3 = cached_client("s3", profile="p")
    assert _access_key(s3) == "AKIAFIRST"
    _write_credentials(isolated_aws_home, "AKIASECOND")
    assert cached_client("s3", profile="p") is s3
    assert _access_key(s3) == "AKIASECOND"
    path.unlink()  # a logout: the next request has nothing to sign with, as a new process
    assert s3._request_signer._credentials.get_frozen_credentials() is None


def test_old_stamps_are_trusted_and_a_token_cache_change_resolves_again(
    isolated_aws_home, monkeypatch
):
    import sso_kit.clients as clients

    _write_config(isolated_aws_home)
    path = _write_credentials(isolated_aws_home, "AKIAFIRST")
    os.utime(path, ns=(1, 1))
    s3 = cached_client("s3", profile="p")
    live = s3._request_signer._credentials
    calls = []
    monkeypatch.setattr(live, "_resolve", lambda: calls.append(1) or None)
    assert _access_key(s3) == "AKIAFIRST"  # nothing changed: no new resolution
    assert calls == []
    cache = isolated_aws_home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)  # a login writes here
    monkeypatch.setattr(clients, "_RACY_NS", 0)
    assert live.get_frozen_credentials() is None
    assert calls == [1]


def test_unsigned_clients_ignore_the_caches(isolated_aws_home):
    _write_config(isolated_aws_home)
    sso = cached_client("sso", profile="p", region="us-east-1", unsigned=True)
    cache = isolated_aws_home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    (cache / "token.json").write_text("{}")
    assert cached_client("sso", profile="p", region="us-east-1", unsigned=True) is sso
    assert sso._request_signer._credentials is None


def test_environment_variables_are_part_of_the_key(isolated_aws_home, monkeypatch):
    _write_config(isolated_aws_home)
    first = cached_client("s3", profile="p")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:11")
    assert cached_client("s3", profile="p") is not first


def test_sessions_share_one_loader_without_growing_its_search_path(isolated_aws_home):
    sessions = [new_session() for _ in range(5)]
    loaders = {id(s._session.get_component("data_loader")) for s in sessions}
    assert len(loaders) == 1
    paths = sessions[0]._session.get_component("data_loader").search_paths
    assert len(paths) == len(set(paths))


def test_the_shared_loader_loads_what_botocore_loads_without_listing_every_service(
    isolated_aws_home, monkeypatch
):
    import botocore.session
    from botocore.exceptions import UnknownServiceError

    import sso_kit.clients as clients

    # fresh loaders on both sides: the process's shared one caches the dicts it returned, and
    # botocore's handlers amend some of those in place (earlier tests in this worker built S3
    # clients), so only an uncached load says which files each loader found
    theirs = botocore.session.get_session().get_component("data_loader")
    ours = clients._one_service_loader(botocore.session.get_session().get_component("data_loader"))
    for service, kind in [
        ("s3", "service-2"),
        ("s3", "endpoint-rule-set-1"),
        ("sso", "paginators-1"),
    ]:
        assert ours.load_service_model(service, kind) == theirs.load_service_model(service, kind)
    assert ours.search_paths[: len(theirs.search_paths)] == theirs.search_paths  # + boto3's
    monkeypatch.setattr(type(ours), "list_available_services", lambda *a: ["only-this"])
    assert ours.load_service_model("sso-oidc", "service-2")["metadata"]["serviceId"]
    with pytest.raises(UnknownServiceError, match="only-this"):  # botocore's own answer
        ours.load_service_model("no-such-service", "service-2")
