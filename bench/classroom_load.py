"""A class on the app: N students moving sliders + M live trainings, over Streamlit's websocket protocol.

Each student is a protocol-level client (bench/st_client.py) on one of the interactive lessons; it thinks 2–5 s,
then moves one slider or number box one step and waits for the rerun to finish. Each training client presses
Start on the training page and then polls its fragments at their ``run_every`` like the browser does. Prints the
latency of the students' reruns (p50 / p95 / p99), errors, server RSS and CPU (cores), the trainings' images/s
and the machine's load average.

    python bench/classroom_load.py --students 28 --trainings 2 [--seconds 60]      # one `streamlit run`
    python bench/classroom_load.py --students 118 --trainings 2 --replicas 2       # deploy/: nginx + Redis
    python bench/classroom_load.py --validate                                      # against real Chromium
    python bench/classroom_load.py --targets                                       # issue 15's three targets

``--validate`` records a real Chromium session on the convolution page (the BackMsgs it sends, the elements it
receives), does the same with the protocol client on the same server and compares element counts and the
widget ids in the rerun request.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.st_client import Student, key_of  # noqa: E402
from cnnviz.locales import t  # noqa: E402
from deploy.serve import free_port, start_nginx, start_redis, start_replica, nginx_conf, wait_ok  # noqa: E402

PAGES = ("convolution", "pooling", "padding_stride", "edges", "architectures")
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


class Servers:
    """One `streamlit run` (replicas=1) or the deployment (replicas ≥ 2: nginx + Redis + replicas)."""

    def __init__(self, replicas: int, compression: bool, trainings: int = 2):
        self.tmp = Path(tempfile.mkdtemp(prefix="cnnviz-load-"))
        self.procs: list[subprocess.Popen] = []
        # Every training of the bench runs, wherever it lands (deploy/serve.py defaults to one per replica).
        extra = {"STREAMLIT_SERVER_ENABLE_WEBSOCKET_COMPRESSION": str(compression).lower(),
                 "CNNVIZ_MAX_TRAINING_RUNS": str(max(1, trainings))}
        os.environ.update(extra)
        ports = [free_port() for _ in range(replicas)]
        redis_url = ""
        if replicas > 1:
            redis_port = free_port()
            self.procs.append(start_redis(self.tmp, redis_port))
            redis_url = f"redis://127.0.0.1:{redis_port}/0"
        self.apps = [start_replica(p, "bench-secret", redis_url, self.tmp / f"app-{p}.log") for p in ports]
        self.procs += self.apps
        for p in ports:
            wait_ok(f"http://127.0.0.1:{p}/_stcore/health", timeout=120)
        self.base = f"http://127.0.0.1:{ports[0]}"
        if replicas > 1:
            web = free_port()
            self.procs.append(start_nginx(nginx_conf(f"127.0.0.1:{web}", [f"127.0.0.1:{p}" for p in ports],
                                                     self.tmp / "nginx", workers=1), self.tmp / "nginx"))
            self.base = f"http://127.0.0.1:{web}"
            wait_ok(f"{self.base}/_stcore/health")

    def cpu(self) -> float:
        return sum(cpu_seconds(p.pid) for p in self.procs)

    def rss(self) -> float:
        return sum(rss_mb(p.pid) for p in self.procs)

    def stop(self) -> None:
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            p.wait(timeout=30)


async def student(base: str, page: str, seed: int, until: float, budget: list[int], out: dict) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, 3))  # a class does not press Enter at the same instant
    s = Student(base, page)
    try:
        await s.open()
    except Exception as err:  # noqa: BLE001 — a load test counts failures, it does not stop at the first
        out["errors"].append(f"{page} open: {type(err).__name__}: {err}")
        return
    while time.monotonic() < until:
        await asyncio.sleep(rng.uniform(2, 5))
        if time.monotonic() >= until or budget[0] <= 0:
            break
        budget[0] -= 1
        try:
            _, run = await s.nudge(rng)
            out["latency"].append(run.seconds)
            out["bytes"].append(run.received_bytes)
        except Exception as err:  # noqa: BLE001
            out["errors"].append(f"{page}: {type(err).__name__}: {err}")
            break
    await s.close()


def images_per_s(texts: list[str]) -> float | None:
    """The training page's speed metric, read as the student sees it (English)."""
    label = t("train.metric.speed", "en") + "="
    for text in texts:
        number = text[len(label):].replace(",", "")
        if text.startswith(label) and number.isdigit():
            return float(number)
    return None


async def trainer(base: str, until: float, out: dict) -> None:
    """Press Start (20 epochs, so it trains all along), then poll the fragments as the browser's timers do."""
    s = Student(base, "training")
    try:
        await s.open()
        await s.change("train.epochs", 20)
        await s.rerun(trigger="train.start")
    except Exception as err:  # noqa: BLE001
        out["errors"].append(f"training start: {type(err).__name__}: {err}")
        return
    due = {f: time.monotonic() + every for f, every in s.auto.items()}
    while time.monotonic() < until and due:
        fragment, at = min(due.items(), key=lambda kv: kv[1])
        await asyncio.sleep(max(0.0, at - time.monotonic()))
        try:
            run = await s.rerun(fragment=fragment)
        except Exception as err:  # noqa: BLE001
            out["errors"].append(f"training poll: {type(err).__name__}: {err}")
            break
        speed = images_per_s(run.texts)
        if speed:
            out["img_s"].append(speed)
        due[fragment] = max(at + s.auto.get(fragment, 1.0), time.monotonic())
    await s.close()


async def load(base: str, students: int, trainings: int, seconds: float, max_requests: int) -> dict:
    out: dict = {"latency": [], "bytes": [], "errors": [], "img_s": []}
    until = time.monotonic() + seconds
    budget = [max_requests]
    tasks = [trainer(base, until, out) for _ in range(trainings)]
    tasks += [student(base, PAGES[i % len(PAGES)], i, until, budget, out) for i in range(students)]
    await asyncio.gather(*tasks)
    return out


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else float("nan")


def run_load(students: int, trainings: int, replicas: int, seconds: float, max_requests: int,
             compression: bool = False) -> dict:
    servers = Servers(replicas, compression, trainings)
    try:
        load0, cpu0, own0, t0 = os.getloadavg()[0], servers.cpu(), time.process_time(), time.monotonic()
        out = asyncio.run(load(servers.base, students, trainings, seconds, max_requests))
        wall = time.monotonic() - t0
        out.update(cores=(servers.cpu() - cpu0) / wall, rss=servers.rss(), load=(load0, os.getloadavg()[0]),
                   client_cores=(time.process_time() - own0) / wall)
    finally:
        servers.stop()
    return out


def report(name: str, students: int, trainings: int, out: dict, target: float | None = None) -> None:
    lat = out["latency"]
    p50, p95, p99 = (percentile(lat, q) * 1000 for q in (50, 95, 99))
    speed = f"{statistics.median(out['img_s']):,.0f} img/s per run" if out["img_s"] else "no img/s seen"
    verdict = "" if target is None else (" MET" if p95 < target * 1000 and not out["errors"] else " NOT MET")
    print(f"{name}: {students} students + {trainings} trainings — {len(lat)} reruns, p50 {p50:.0f} ms, "
          f"p95 {p95:.0f} ms, p99 {p99:.0f} ms, {len(out['errors'])} errors; server {out['cores']:.2f} cores, "
          f"RSS {out['rss']:.0f} MB; the clients {out['client_cores']:.2f} cores; training {speed}; load average {out['load'][0]:.2f} → {out['load'][1]:.2f}"
          + (f"; target p95 < {target * 1000:.0f} ms{verdict}" if target else ""))
    if lat:
        print(f"    {statistics.median(out['bytes']) / 1024:.1f} KB received per rerun (median)")
    for err in out["errors"][:5]:
        print("    error:", err)


def validate() -> bool:
    """Chromium and the protocol client on one server: same elements, same widget ids in the rerun request."""
    from playwright.sync_api import sync_playwright
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    servers = Servers(1, compression=False)
    try:
        sent, received = [], []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.on("websocket", lambda ws: (ws.on("framesent", lambda f: sent.append(f)),
                                             ws.on("framereceived", lambda f: received.append(f))))
            page.goto(f"{servers.base}/convolution")
            idle = "[data-testid='stApp'][data-test-script-state='notRunning']"
            page.wait_for_selector(".st-key-conv-bias", timeout=90_000)
            page.wait_for_timeout(2000)
            page.wait_for_selector(idle)
            page.locator(".st-key-conv-bias button").last.click()  # bias 0 → 1
            page.wait_for_timeout(1500)
            page.wait_for_selector(idle)
            page.wait_for_timeout(1000)
            browser.close()
        requests = [BackMsg.FromString(f) for f in sent if isinstance(f, bytes)]
        browser_ids = {w.id for w in requests[-1].rerun_script.widget_states.widgets}
        browser_fragment = requests[-1].rerun_script.fragment_id
        runs = [0]  # new elements per script run, Chromium's last run (the bias change) last
        drawn_in = ""  # the fragment Chromium was told the bias box is drawn in
        for m in map(ForwardMsg.FromString, received):
            if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element":
                element = m.delta.new_element
                if key_of(getattr(getattr(element, element.WhichOneof("type")), "id", "") or "") == "conv.bias":
                    drawn_in = m.delta.fragment_id
            if m.WhichOneof("type") == "script_finished":
                runs.append(0)
            elif m.WhichOneof("type") == "ref_hash" or (
                    m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"):
                runs[-1] += 1  # a reference to a message the browser holds stands for that element
        browser_elements = runs[-2]

        async def client():
            s = Student(servers.base, "convolution")
            await s.open()
            run = await s.change("conv.bias", 1.0)
            ids = {w.id for w in s.request().rerun_script.widget_states.widgets}
            await s.close()
            bias = next(i for i in ids if key_of(i) == "conv.bias")
            return run.elements, ids, s.kinds, s.fragment_of[bias], s.request_fragment
        client_elements, client_ids, kinds, client_drawn_in, client_fragment = asyncio.run(client())
    finally:
        servers.stop()
    only_browser, only_client = browser_ids - client_ids, client_ids - browser_ids
    components = {i for i in only_browser if kinds.get(i) == "bidi_component"}
    print(f"validation on the convolution page (bias 0 → 1): Chromium drew {browser_elements} elements, the client "
          f"{client_elements}; rerun request: {len(browser_ids)} widget ids from Chromium, {len(client_ids)} from "
          f"the client, {len(browser_ids & client_ids)} the same")
    for wid in sorted(only_browser):
        note = " (a custom component: its JavaScript reports its state)" if wid in components else ""
        print(f"    only Chromium sends {key_of(wid)}{note}")
    for wid in sorted(only_client):
        print(f"    only the client sends {key_of(wid)}")
    # fragment ids depend on each session's own first run: compare the rule, not the ids
    print(f"    the rerun asks for the fragment the box was drawn in: Chromium "
          f"{'yes' if browser_fragment == drawn_in else 'no'} ({browser_fragment or 'the whole page'}), the client "
          f"{'yes' if client_fragment == client_drawn_in else 'no'} ({client_fragment or 'the whole page'})")
    same = (browser_elements == client_elements and not only_client and only_browser == components
            and browser_fragment == drawn_in and client_fragment == client_drawn_in
            and bool(browser_fragment) == bool(client_fragment))
    print("    VALID" if same else "    NOT VALID: the client does not send what Chromium sends")
    return same


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=28)
    parser.add_argument("--trainings", type=int, default=2)
    parser.add_argument("--replicas", type=int, default=1, help="1: one `streamlit run`; more: nginx + Redis")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--compression", action="store_true", help="server.enableWebsocketCompression")
    parser.add_argument("--validate", action="store_true")
    parser.add_argument("--targets", action="store_true", help="issue 15's three targets, one after the other")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at start")
    if args.validate:
        sys.exit(0 if validate() else 1)
    if args.targets:
        for name, students, replicas, target in (("one server", 28, 1, 0.25), ("one server", 88, 1, 1.0),
                                                 (f"deployment ({os.cpu_count()} replicas)", 118,
                                                  os.cpu_count() or 2, 1.0)):
            out = run_load(students, 2, replicas, args.seconds, args.max_requests, args.compression)
            report(name, students, 2, out, target)
        return
    out = run_load(args.students, args.trainings, args.replicas, args.seconds, args.max_requests, args.compression)
    report("deployment" if args.replicas > 1 else "one server", args.students, args.trainings, out)


if __name__ == "__main__":
    main()
