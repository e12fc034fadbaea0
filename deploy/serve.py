"""Serve a whole school from one machine: N app replicas (one per core) behind nginx, rooms in Redis.

    python deploy/serve.py [--replicas N] [--port 8080] [--host 0.0.0.0]

Starts ``streamlit run app.py`` N times on loopback ports, all with one ``server.cookieSecret`` and one
``CNNVIZ_REDIS_URL`` (a local ``redis-server`` is started when the variable is not set), waits for each
replica's ``/_stcore/health``, then runs nginx in the foreground from a generated config (no root, no
system paths: everything lives in a temporary prefix). Ctrl+C stops everything it started.

nginx keeps a browser on one replica with its own cookie (``cnnviz_replica``: a Streamlit session lives in
one process), passes websocket upgrades with day-long timeouts, gzips JS/CSS, and refuses uploads larger
than the app's ``server.maxUploadSize``. When a replica dies, its browsers reconnect to another one.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPLICA_COOKIE = "cnnviz_replica"
NGINX_TEMPLATE = Path(__file__).with_name("nginx.conf.template")


def max_upload_mb(config: Path = ROOT / ".streamlit" / "config.toml") -> int:
    """The app's ``server.maxUploadSize`` (MB), so nginx refuses exactly what the app would."""
    with config.open("rb") as f:
        return int(tomllib.load(f).get("server", {}).get("maxUploadSize", 200))


def nginx_conf(listen: str, replicas: list[str], prefix: Path, workers: int = 1) -> str:
    """The nginx config text: ``listen`` like "127.0.0.1:8080", replicas like "127.0.0.1:8501"."""
    servers = "\n".join(f"        server {r} max_fails=1 fail_timeout=10s;" for r in replicas)
    return (NGINX_TEMPLATE.read_text()
            .replace("@WORKERS@", str(workers)).replace("@PREFIX@", str(prefix))
            .replace("@LISTEN@", listen).replace("@SERVERS@", servers)
            .replace("@COOKIE@", REPLICA_COOKIE).replace("@MAX_BODY_MB@", str(max_upload_mb())))


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ok(url: str, timeout: float = 90.0, expect: bytes = b"ok") -> None:
    """Wait until GET ``url`` answers ``expect``; TimeoutError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(url, timeout=2).read().strip() == expect:
                return
        time.sleep(0.2)
    raise TimeoutError(url)


def start_redis(workdir: Path, port: int) -> subprocess.Popen:
    """A throwaway redis-server on loopback (no persistence: rooms live for a lesson)."""
    return subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--appendonly", "no", "--dir", str(workdir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_replica(port: int, cookie_secret: str, redis_url: str, log: Path) -> subprocess.Popen:
    """One ``streamlit run app.py`` on 127.0.0.1:``port`` sharing the cookie secret and the Redis."""
    # Training slots are per process: with one replica per core, one run each keeps the machine's total at the
    # number of cores (a run takes ~0.8 of a core). Set CNNVIZ_MAX_TRAINING_RUNS to change it.
    env = {"CNNVIZ_MAX_TRAINING_RUNS": "1", **os.environ, "CNNVIZ_REDIS_URL": redis_url,
           "OPENBLAS_NUM_THREADS": "1", "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret}
    return subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true"],
                            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def start_nginx(conf_text: str, prefix: Path) -> subprocess.Popen:
    """nginx in the foreground (``daemon off`` is in the config) with ``prefix`` as its only directory."""
    for sub in ("logs", "tmp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(conf_text)
    return subprocess.Popen([nginx_binary(), "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "logs/error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1, help="app processes (one per core)")
    parser.add_argument("--port", type=int, default=8080, help="the port students open")
    parser.add_argument("--host", default="0.0.0.0", help="the address nginx listens on")
    parser.add_argument("--compress-websocket", action="store_true",
                        help="server.enableWebsocketCompression: ~1/3 of the bytes per rerun for more server CPU "
                             "(bench/rerun_cost.py, bench/wire_bytes.py)")
    args = parser.parse_args()

    prefix = Path(tempfile.mkdtemp(prefix="cnnviz-serve-"))
    procs: list[subprocess.Popen] = []
    redis_url = os.environ.get("CNNVIZ_REDIS_URL", "").strip()
    if not redis_url:
        redis_port = free_port()
        procs.append(start_redis(prefix, redis_port))
        redis_url = f"redis://127.0.0.1:{redis_port}/0"
    secret = os.environ.get("STREAMLIT_SERVER_COOKIE_SECRET") or secrets.token_urlsafe(32)
    if args.compress_websocket:
        os.environ["STREAMLIT_SERVER_ENABLE_WEBSOCKET_COMPRESSION"] = "true"
    ports = [free_port() for _ in range(args.replicas)]
    try:
        procs += [start_replica(p, secret, redis_url, prefix / f"replica-{p}.log") for p in ports]
        for p in ports:
            wait_ok(f"http://127.0.0.1:{p}/_stcore/health")
        conf = nginx_conf(f"{args.host}:{args.port}", [f"127.0.0.1:{p}" for p in ports], prefix,
                          workers=max(1, min(args.replicas, 4)))
        nginx = start_nginx(conf, prefix)
        procs.append(nginx)
        wait_ok(f"http://127.0.0.1:{args.port}/_stcore/health")
        print(f"serving on http://{args.host}:{args.port} — {args.replicas} replicas {ports}, rooms in {redis_url}, "
              f"logs in {prefix}", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        nginx.wait()
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
