"""A protocol-level Streamlit browser: the websocket messages Chromium sends, without the browser.

Used by bench/classroom_load.py and tests/test_deployment.py. One ``Student`` is one browser tab:

    s = Student("http://127.0.0.1:8501", "convolution")
    await s.open()                       # GET the page (cookies), websocket, first run
    run = await s.change("conv.bias", 1.0)   # a widget moves: rerun with every widget's state
    run.seconds, run.elements, run.received_bytes

Like the frontend it sends ``rerun_script`` BackMsgs carrying ``page_script_hash``, ``query_string``,
``context_info``, the hashes of the cached messages it holds and the state of every widget the last run drew
(with its default unless changed), leaving out widgets inside a closed expander or popover, which the frontend
has not mounted. A custom component's state is reported by its JavaScript, which the protocol cannot see:
``bench/classroom_load.py --validate`` prints that difference.
"""
from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

TRIGGERS = {"button", "download_button", "form_submit_button"}  # sent only when pressed, as trigger_value


@dataclass
class Run:
    """One script run as the client saw it: wall time from request to ``script_finished``."""

    seconds: float
    elements: int  # new elements drawn (new_element deltas, or references to ones the client holds)
    received_bytes: int
    texts: list[str] = field(default_factory=list)  # markdown / alert bodies, exceptions: words for tests


def widget_state(kind: str, el) -> WidgetState | None:
    """The state the frontend reports for a widget element before anyone touches it (None: not reported)."""
    state = WidgetState(id=el.id)
    if kind in TRIGGERS:
        return None
    if kind == "number_input":
        value = el.value if el.set_value else el.default
        if el.data_type == el.INT:
            state.int_value = int(value)
        else:
            state.double_value = value
    elif kind in ("checkbox", "toggle"):
        state.bool_value = el.value if el.set_value else el.default
    elif kind in ("text_area", "text_input"):
        state.string_value = el.value if el.set_value and el.HasField("value") else el.default
    elif kind in ("radio", "selectbox"):
        if el.set_value and el.HasField("raw_value"):
            state.string_value = el.raw_value
        elif el.HasField("default") and el.options:
            state.string_value = el.options[el.default]
    elif kind == "slider":
        state.double_array_value.data.extend(el.value if el.set_value else el.default)
    elif kind in ("multiselect", "button_group"):
        if el.set_value:
            chosen = list(el.raw_values)
        else:
            chosen = [o if isinstance(o, str) else o.content for o in (el.options[i] for i in el.default)]
        state.string_array_value.data.extend(chosen)
    else:
        return None
    return state


def key_of(widget_id: str) -> str:
    """``$$ID-<hash>-conv.bias`` → ``conv.bias``."""
    return widget_id.split("-", 2)[2] if widget_id.startswith("$$ID-") else widget_id


class Student:
    """One browser tab on one page, talking Streamlit's websocket protocol."""

    def __init__(self, base: str, page: str, query: str = "", locale: str = "en-US"):
        self.base, self.page, self.query, self.locale = base.rstrip("/"), page, query, locale
        self.states: dict[str, WidgetState] = {}  # widget id → state
        self.kinds: dict[str, str] = {}
        self.submit_button = ""  # the id of the last form's submit button drawn
        self.ranges: dict[str, tuple[float, float, float]] = {}  # numeric widget id → (min, max, step)
        self.auto: dict[str, float] = {}  # fragment id → seconds between its automatic reruns (run_every)
        self.fragment_of: dict[str, str] = {}  # widget id → the fragment it was drawn in (its changes rerun that)
        self.request_fragment = ""  # the fragment the last rerun request asked for ("": the whole page)
        self.page_hash = ""
        self.not_found = 0  # "Page not found" messages received (the frontend shows each as a dialog)
        self.cached: list[str] = []
        self.ws = None
        self.replica = ""  # nginx's X-Cnnviz-Replica header, when behind the deployment
        self.jar = CookieJar()

    def _get_page(self) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        with opener.open(f"{self.base}/{self.page}", timeout=30) as r:
            r.read()

    def cookie_header(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    async def open(self) -> Run:
        """Load the page (for the cookies), open the websocket and wait for the first run."""
        await asyncio.to_thread(self._get_page)
        return await self.connect()

    async def connect(self) -> Run:
        """(Re)open the websocket with this tab's cookies, as the frontend does after a disconnect."""
        url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        headers = {"Cookie": self.cookie_header()} if len(self.jar) else {}
        self.ws = await websockets.connect(url, subprotocols=["streamlit"], additional_headers=headers,
                                           max_size=None, open_timeout=30, compression="deflate")
        tried = self.ws.response.headers.get("X-Cnnviz-Replica", "")  # "a, b" when nginx had to try a second
        self.replica = tried.split(",")[-1].strip()
        return await self.rerun(first=True)

    def request(self, first: bool = False) -> BackMsg:
        """The rerun BackMsg the frontend would send now."""
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        if first:
            cs.page_name = self.page
        else:
            cs.page_script_hash = self.page_hash
            cs.widget_states.widgets.extend(self.states.values())
            cs.cached_message_hashes.extend(self.cached)
        ci = cs.context_info
        ci.timezone, ci.timezone_offset, ci.locale = "UTC", 0, self.locale
        ci.url, ci.is_embedded, ci.color_scheme = f"{self.base}/{self.page}", False, "light"
        return msg

    async def rerun(self, first: bool = False, trigger: str | None = None, fragment: str = "",
                    auto: bool = True) -> Run:
        """A full rerun, or with ``fragment`` that fragment's rerun (automatic, or ``auto=False``: a widget in it
        changed), as the frontend sends it."""
        msg = self.request(first)
        if trigger:
            wid = next(i for i in self.kinds if key_of(i) == trigger)
            msg.rerun_script.widget_states.widgets.add(id=wid, trigger_value=True)
            fragment, auto = fragment or self.fragment_of.get(wid, ""), False
        if fragment:
            msg.rerun_script.fragment_id, msg.rerun_script.is_auto_rerun = fragment, auto
        self.request_fragment = fragment
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await self._until_finished(start)

    async def change(self, key: str, value) -> Run:
        """Set the widget with ``key`` (int, float, bool, str or list of float) and rerun."""
        wid = next(i for i in self.states if key_of(i) == key)
        state = WidgetState(id=wid)
        if isinstance(value, bool):
            state.bool_value = value
        elif isinstance(value, int) and self.states[wid].WhichOneof("value") == "int_value":
            state.int_value = value
        elif isinstance(value, (int, float)):
            state.double_value = float(value)
        elif isinstance(value, str):
            state.string_value = value
        else:
            state.double_array_value.data.extend(value)
        self.states[wid] = state
        return await self.rerun(fragment=self.fragment_of.get(wid, ""), auto=False)

    async def nudge(self, rng) -> tuple[str, Run]:
        """A student moves one slider / number box one step (``rng``: random.Random); (widget key, run)."""
        ids = sorted(i for i in self.ranges if i in self.states)
        wid = rng.choice(ids)
        low, high, step = self.ranges[wid]
        now = self.value(key_of(wid))
        now = now[0] if isinstance(now, list) else now
        new = rng.choice([v for v in (now - step, now + step) if low <= v <= high] or [now])
        if self.states[wid].WhichOneof("value") == "double_array_value":
            return key_of(wid), await self.change(key_of(wid), [float(new)])
        return key_of(wid), await self.change(key_of(wid), type(now)(new))

    async def submit(self) -> Run:
        """Press the form's submit button (the form's widgets go with it, as set by :meth:`change`)."""
        msg = self.request()
        msg.rerun_script.widget_states.widgets.add(id=self.submit_button, trigger_value=True)
        msg.rerun_script.fragment_id = self.fragment_of.get(self.submit_button, "")
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        return await self._until_finished(start)

    def value(self, key: str):
        state = next(s for i, s in self.states.items() if key_of(i) == key)
        kind = state.WhichOneof("value")
        return list(getattr(state, kind).data) if kind.endswith("array_value") else getattr(state, kind)

    async def _until_finished(self, start: float) -> Run:
        elements, size, texts, seen, folded = 0, 0, [], {}, []
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout=120)
            size += len(raw)
            fm = ForwardMsg.FromString(raw)
            kind = fm.WhichOneof("type")
            if fm.hash and fm.metadata.cacheable:
                self.cached.append(fm.hash)
            if kind in ("new_session", "navigation"):
                self.page_hash = getattr(fm, kind).page_script_hash or self.page_hash
            elif kind == "page_not_found":
                self.not_found += 1
            elif kind == "page_info_changed":
                self.query = fm.page_info_changed.query_string  # bound widgets write the URL, as in the browser
            elif kind == "ref_hash":
                elements += 1  # an element the client already holds, sent by reference
            elif kind == "delta" and fm.delta.WhichOneof("type") == "add_block":
                block = fm.delta.add_block
                closed = block.WhichOneof("type") == "popover" or (
                    block.WhichOneof("type") == "expandable" and not block.expandable.expanded)
                if closed:
                    folded.append(tuple(fm.metadata.delta_path))
            elif kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
                elements += 1
                el_kind = fm.delta.new_element.WhichOneof("type")
                el = getattr(fm.delta.new_element, el_kind)
                if el_kind in ("markdown", "alert"):
                    texts.append(el.body)
                elif el_kind == "metric":
                    texts.append(f"{el.label}={el.body}")
                elif el_kind == "exception":  # an uncaught error in the script (its type and message)
                    texts.append(f"exception {el.type}: {el.message}")
                wid = getattr(el, "id", "")
                if isinstance(wid, str) and wid.startswith("$$ID-"):
                    self.kinds[wid] = el_kind
                    self.fragment_of[wid] = fm.delta.fragment_id
                    if el_kind == "button" and el.is_form_submitter:
                        self.submit_button = wid
                    if ((el_kind == "slider" and not el.options and len(el.default) == 1)
                            or (el_kind == "number_input" and el.has_min and el.has_max)) and not el.disabled:
                        self.ranges[wid] = (el.min, el.max, el.step or 1)
                    path = tuple(fm.metadata.delta_path)
                    mounted = not any(path[:len(f)] == f for f in folded)  # closed expander / popover: not yet
                    state = widget_state(el_kind, el) if mounted else None
                    if state is not None:
                        seen[wid] = self.states[wid] if wid in self.states and not _reset(el_kind, el) else state
            elif kind == "auto_rerun":
                self.auto[fm.auto_rerun.fragment_id] = fm.auto_rerun.interval
            elif kind == "stop_auto_rerun":  # fragments that went away (a nested run_every one no longer drawn)
                for fragment in fm.stop_auto_rerun.fragment_ids:
                    self.auto.pop(fragment, None)
            elif kind == "script_finished":
                status = fm.script_finished
                if status in (fm.FINISHED_SUCCESSFULLY, fm.FINISHED_FRAGMENT_RUN_SUCCESSFULLY):
                    if status == fm.FINISHED_SUCCESSFULLY:
                        self.states = seen
                    else:  # a fragment redrew only its own widgets
                        self.states.update(seen)
                    self.cached = list(dict.fromkeys(self.cached))[-500:]
                    return Run(time.perf_counter() - start, elements, size, texts)
                if status == fm.FINISHED_WITH_COMPILE_ERROR:
                    raise RuntimeError("script did not compile")
                # FINISHED_EARLY_FOR_RERUN: another run follows on the same request

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def _reset(kind: str, el) -> bool:
    """The server set this widget's value itself (session state written by the page)."""
    return bool(getattr(el, "set_value", False))
