"""deploy/: the files people copy agree with the app and with each other (docker itself is not run here)."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from deploy.serve import REPLICA_COOKIE, max_upload_mb, nginx_conf

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def test_nginx_refuses_exactly_the_uploads_the_app_refuses(tmp_path):
    with (ROOT / ".streamlit" / "config.toml").open("rb") as f:
        app_limit = tomllib.load(f)["server"]["maxUploadSize"]
    conf = nginx_conf("127.0.0.1:1", ["127.0.0.1:2"], tmp_path)
    assert max_upload_mb() == app_limit
    assert re.search(rf"client_max_body_size {app_limit}m;", conf)


def test_nginx_config_is_complete_for_websockets_stickiness_and_gzip(tmp_path):
    conf = nginx_conf("127.0.0.1:1", ["127.0.0.1:2", "127.0.0.1:3"], tmp_path)
    assert "@" not in re.sub(r"#.*", "", conf)  # every placeholder filled
    for needed in ("proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
                   "proxy_set_header Connection $connection_upgrade;", "proxy_read_timeout 1d;", "gzip on;",
                   "hash $replica_key consistent;", f"$cookie_{REPLICA_COOKIE}", "daemon off;",
                   "server 127.0.0.1:2 ", "server 127.0.0.1:3 "):
        assert needed in conf, needed
    assert "application/javascript" in conf and "text/css" in conf


def test_compose_file_parses_and_points_the_app_at_its_redis():
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    app = compose["services"]["cnnviz"]
    assert app["environment"]["CNNVIZ_REDIS_URL"].startswith("redis://redis:")
    assert "redis" in compose["services"] and "redis" in app["depends_on"]
    assert app["build"]["dockerfile"] == "deploy/Dockerfile"
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in app["environment"]
    port = app["ports"][0].split(":")[-1]
    assert f'"--port", "{port}"' in (DEPLOY / "Dockerfile").read_text()


def test_dockerfile_runs_the_same_script_as_a_machine_without_containers():
    text = (DEPLOY / "Dockerfile").read_text()
    assert '"deploy/serve.py"' in text and "nginx" in text and "_stcore/health" in text
