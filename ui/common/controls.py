"""Settings schema → widgets, session and lesson link (the Streamlit half of ui/common/schema.py).

A page does::

    lesson = Lesson(ConvSettings)          # first visit in this session: settings from the link
    lesson.widget("stride_h")               # drawn from the schema: label, range, help, options
    settings = lesson.settings()            # complete and valid; the URL now shows what differs from defaults

Values live in session state under ``<PAGE>.<name>`` (widget keys are ids, never display text) and in a
copy that survives page switches. The link is read once per page per session (opening or reloading a link
starts a new session), and written back after every run, so the address bar is always the lesson link.
Link flags: ``hide=all`` or ``hide=name,name`` hides controls (the values still apply), ``present=1`` is
the presenter layout, ``lang=ko|en`` the language (ui/common/text.py).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import nullcontext
from urllib.parse import urlencode

import streamlit as st

from cnnviz.locales import catalogue, t
from ui.common.schema import Settings, read_link, write_link
from ui.common.text import begin_run, browser_lang, lang, tr

FLAGS = ("hide", "present", "lang")
PRESENTER_CSS = """<style>
[data-testid="stMain"] p, [data-testid="stMain"] li, [data-testid="stCaptionContainer"] { font-size: 1.2rem; }
[data-testid="stMainBlockContainer"] { padding-top: 3.75rem; max-width: 100%; }  /* clear of the header */
h1 { font-size: 2rem !important; padding-top: 0 !important; }
</style>"""


def in_order():
    """A place to draw with ``with`` that is simply where the page draws next (no container of its own)."""
    return nullcontext()


def link_flag(name: str, params: dict | None = None) -> str:
    """A link flag's value ("" when absent). ``params``: the query parameters, when the caller has them already.

    Read through ``to_dict()``: ``st.query_params.get`` of an absent name raises and catches a KeyError inside
    Streamlit, which cost the padding & stride page ~1.5 ms a rerun (py-spy, bench/rerun_cost.py)."""
    return (st.query_params.to_dict() if params is None else params).get(name, "")


def presenting() -> bool:
    return link_flag("present") == "1"


@functools.lru_cache(maxsize=512)
def _option_labels(prefix: str, name: str, options: tuple, language: str) -> Callable[[object], str]:
    """``format_func`` of a choice: the catalogue's label of each option, once per language."""
    labels = {option: t(f"{prefix}.{name}.{option}", language) for option in options
              if f"{prefix}.{name}.{option}" in catalogue("en")}
    return lambda option: labels.get(option, str(option))


class Lesson:
    """One page's settings in this session."""

    def __init__(self, schema: type[Settings], stepped: tuple[str, ...] = ()):
        self.schema = schema
        self.prefix = schema.PAGE
        self.stepped = stepped  # drawn by the figures' fragment into places kept for them (see lesson_page)
        self._places: dict[str, tuple] = {}  # stepped name → (container, disabled, label, other arguments)
        self._drawing_stepped = False
        store = f"_lesson.{self.prefix}"
        if store not in st.session_state:
            params = {k: v for k, v in st.query_params.to_dict().items() if k not in FLAGS}
            settings, bad = read_link(schema, params)
            st.session_state[store] = settings
            st.session_state[f"{store}.bad"] = bad
        self._store = store
        self._drawn = st.session_state.setdefault(f"{store}.drawn", {})  # slider ranges as last drawn, by name
        for name, value in st.session_state[store].__dict__.items():
            st.session_state.setdefault(self.key(name), value)
        self._current = self._from_state()
        hide = link_flag("hide")
        self.hidden = set(schema.specs()) if hide == "all" else set(hide.split(","))
        if presenting():
            st.html(PRESENTER_CSS)

    def areas(self):
        """``(controls, body)`` to draw into with ``with``, in the order the layout wants: with the presenter flag
        the body (figure, equation) first and the controls folded away below it; otherwise controls first, as
        drawn, so no containers are needed (each costs every rerun one element)."""
        if presenting():
            body = st.container()
            return st.expander(tr("app.controls"), icon=":material/tune:"), body
        return in_order(), in_order()

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}"

    def _from_state(self) -> Settings:
        return self.schema.build({name: st.session_state.get(self.key(name)) for name in self.schema.specs()})

    @property
    def current(self) -> Settings:
        """The settings as they stand before the remaining widgets are drawn (for dependent labels)."""
        return self._current

    def notices(self) -> None:
        """One small notice for link parameters that could not be used (shown once)."""
        bad = st.session_state.pop(f"{self._store}.bad", [])
        if bad:
            st.toast(tr("app.link.bad_params", names=", ".join(bad)), icon=":material/link_off:")
            st.caption(tr("app.link.bad_params", names=", ".join(bad)))

    def label(self, name: str) -> str:
        return tr(self.schema.text_id(name))

    def widget(self, name: str, where=st, disabled: bool = False, label: str | None = None,
               bounds: tuple | None = None, **kwargs):
        """Draw the widget of ``name`` as its spec says; nothing when the link hides it.

        ``bounds`` narrows the range further with what only the page knows (the number of output cells).
        A stepped setting only gets its place here, and its current value; :meth:`draw_stepped` draws it.
        """
        if name in self.stepped and not self._drawing_stepped and name not in self.hidden:
            assert bounds is None, "a stepped widget's range is the schema's, worked out when it is drawn"
            self._places[name] = (where.container(), disabled, label, kwargs)
            return getattr(self._current, name)
        spec = self.schema.specs()[name]
        key = self.key(name)
        value = getattr(self._current, name)
        if bounds is None:
            bounds = self._current.bounds(name)
        elif spec.kind in ("int", "float"):
            value = type(value)(min(max(value, bounds[0]), bounds[1]))
        if name in self.hidden:
            return value
        moved = spec.widget == "slider" and self._drawn.get(name) != bounds
        if moved or st.session_state.get(key) != value:
            # clamped into a range that another setting narrowed; and a slider whose range moved is a new widget
            # to Streamlit (min/max are part of its identity) that would start over at its minimum: set it again.
            # Only then: each write costs the rerun ~0.1 ms, and the widget sends its value back to the browser.
            st.session_state[key] = value
            self._drawn[name] = bounds
        help_id = self.schema.text_id(name, "help")
        common = {"label": label or self.label(name), "key": key, "disabled": disabled,
                  "help": tr(help_id) if help_id in catalogue("en") else None, **kwargs}
        if spec.kind in ("int", "float"):
            lo, hi = bounds
            step = spec.step if spec.kind == "float" else 1
            if spec.widget == "slider":
                if lo >= hi:  # a slider needs two ends
                    where.number_input(**common | {"disabled": True}, min_value=lo, max_value=hi)
                    return value
                # value given: else Streamlit builds the whole session state (filtered_state) to guess whether this
                # is a range slider, ~0.25 ms a slider. A keyed slider's identity leaves out its value, and the
                # value shown is still the session's (set above when it had to change).
                return where.slider(**common, value=value, min_value=lo, max_value=hi, step=step)
            return where.number_input(**common, min_value=lo, max_value=hi, step=step,
                                      format="%g" if spec.kind == "float" else None)
        if spec.kind == "choice":
            fmt = self._option_text(name)
            if spec.widget == "select":
                return where.selectbox(**common, options=bounds, format_func=fmt)
            if spec.widget == "segmented":
                return where.segmented_control(**common, options=bounds, format_func=fmt, required=True)
            return where.radio(**common, options=bounds, format_func=fmt, horizontal=True)
        if spec.kind == "bool":
            return (where.checkbox if spec.widget == "checkbox" else where.toggle)(**common)
        return where.text_area(**common)

    def draw_stepped(self) -> None:
        """The stepped widgets, each into the place the controls kept for it, with the settings as they are now
        (a step of one can narrow another's range)."""
        self._current = self._from_state()
        self._drawing_stepped = True
        try:
            for name, (place, disabled, label, kwargs) in self._places.items():
                self.widget(name, place, disabled, label, **kwargs)
        finally:
            self._drawing_stepped = False

    def _option_text(self, name: str):
        """Option labels looked up now, in this run's language: AppTest calls ``format_func`` again outside
        the script run, where the session's language is unknown."""
        return _option_labels(self.prefix, name, self.schema.specs()[name].options, lang())

    def settings(self) -> Settings:
        """Read every value, validate it against the schema, remember it, and write the link."""
        settings = self._from_state()
        st.session_state[self._store] = settings
        params, now = write_link(settings), st.query_params.to_dict()
        for name in ("hide", "present"):
            if link_flag(name, now):
                params[name] = link_flag(name, now)
        language = lang()
        if language != browser_lang() or link_flag("lang", now):
            params["lang"] = language
        if now != params:
            st.query_params.from_dict(params)
        self._current = settings
        return settings

    def link_control(self, where=st, note: str | None = None) -> None:
        """"Copy link to this lesson", and a classroom link that hides controls or presents.

        ``note``: what the link cannot carry, said under the hint (an uploaded photo). Drawn only while open (a
        closed popover's contents cost every rerun of the lesson ~7 elements: bench/rerun_cost.py); the
        classroom choices start afresh each time it opens.
        """
        popover = where.popover(tr("app.link.button"), icon=":material/link:", key=f"_link.{self.prefix}.open",
                                on_change="rerun")
        if not popover.open:
            return
        with popover:
            base = (st.context.url or "").split("?")[0]
            params = st.query_params.to_dict() | {"lang": lang()}
            st.caption(tr("app.link.copy_hint"))
            if note:
                st.caption(note)
            st.code(f"{base}?{urlencode(params)}" if params else base, language=None, wrap_lines=True)
            st.markdown(f"**{tr('app.link.classroom')}**")
            hide = st.multiselect(tr("app.link.hide"), list(self.schema.specs()), format_func=self.label,
                                  key=f"_link.{self.prefix}.hide", placeholder=tr("app.link.hide_none"))
            hide_all = st.checkbox(tr("app.link.hide_all"), key=f"_link.{self.prefix}.hide_all")
            present = st.checkbox(tr("app.link.present"), key=f"_link.{self.prefix}.present")
            classroom = {k: v for k, v in params.items() if k not in ("hide", "present")}
            if hide_all or hide:
                classroom["hide"] = "all" if hide_all else ",".join(hide)
            if present:
                classroom["present"] = "1"
            st.code(f"{base}?{urlencode(classroom)}", language=None, wrap_lines=True)


def lesson_page(schema: type[Settings], intro_id: str, read_settings: Callable[[Lesson], Settings],
                show: Callable[[Settings, Lesson], None], stepped: tuple[str, ...] = ()) -> None:
    """The lesson of a concept page under its title: link notices, then the controls (``read_settings``) and
    the figures (``show``) in the order the layout wants.

    All of it is one fragment: moving a control reruns the lesson, not the app around it (the menu, the
    language control, the page config), and sends only the lesson's elements (bench/rerun_cost.py).
    ``stepped``: the settings a student steps through (numbers). Their widgets and the figures are a fragment
    inside the lesson: a step reruns only those, not the other controls (each widget costs a rerun ~0.4 ms).
    The controls keep each stepped widget's place in the layout, and the inner fragment draws it there.
    """
    @st.fragment
    def lesson_fragment() -> None:
        begin_run()
        lesson = Lesson(schema, stepped)
        lesson.notices()
        controls, body = lesson.areas()
        with controls:
            st.caption(tr(intro_id))
            settings = read_settings(lesson)
            lesson.link_control()
        if stepped:
            _stepped_and_figures(lesson, body, show)
        else:
            with body:
                show(settings, lesson)

    lesson_fragment()


@st.fragment
def _stepped_and_figures(lesson: Lesson, body, show: Callable[[Settings, Lesson], None]) -> None:
    begin_run()
    lesson.draw_stepped()
    settings = lesson.settings()
    with body:
        show(settings, lesson)
