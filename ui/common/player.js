// The presenter's player: draws the frame model (cnnviz/viz/player_payload.py) as SVG and steps through it.
// Keys (anywhere on the page but in a text field): ← → PageUp PageDown step, Space plays / pauses,
// Home / End jump. Clicking an output cell jumps to its step. The 1-based step goes to Python as state
// "step" when it changes by hand or on pause (not on every tick while playing: no rerun storm).
const SVG = "http://www.w3.org/2000/svg";
const PRODUCT_SIZE = 0.36; // a window cell holds its value and its product, each this tall (cell = 1)
const OWN_KEYS = "[role=slider],[role=listbox],[role=combobox],[role=textbox],[role=spinbutton],[role=radiogroup]," +
                 "[role=tablist],[role=menu],[role=dialog]";
const STEP_KEYS = { ArrowLeft: -1, ArrowRight: 1, PageUp: -1, PageDown: 1 };

function el(tag, attrs = {}, parent = null, ns = SVG) {
  const node = ns ? document.createElementNS(ns, tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

function numberSize(texts) {
  const longest = Math.max(1, ...texts.map((t) => t.length));
  return Math.min(0.42, 0.86 / (0.58 * longest));
}

function build(root, data, setStateValue) {
  const P = data.payload;
  const words = P.words, colours = P.colours, frames = P.frames;
  root.innerHTML = "";
  root.classList.toggle("presenter", Boolean(data.presenter));
  root.dataset.total = String(frames.length);
  const bar = el("div", { class: "bar" }, root, null);
  const button = (cls, text, title) => {
    const b = el("button", { type: "button", class: cls, title, "aria-label": title }, bar, null);
    b.textContent = text;
    return b;
  };
  const first = button("first", "|◀", words.first);
  const prev = button("prev", "◀", words.previous);
  const play = button("play", `▶ ${words.play}`, words.play);
  const next = button("next", "▶", words.next);
  const last = button("last", "▶|", words.last);
  const speedLabel = el("label", { class: "speed" }, bar, null);
  speedLabel.append(words.speed + " ");
  const speed = el("select", { class: "speed" }, speedLabel, null);
  for (const [s] of P.speeds) el("option", { value: String(s) }, speed, null).textContent = `${s}×`;
  const jumpLabel = el("label", { class: "jump" }, bar, null);
  jumpLabel.append(words.jump + " ");
  const jump = el("input", { type: "number", min: "1", max: String(frames.length), class: "jump" }, jumpLabel, null);
  const status = el("div", { class: "status", "aria-live": "polite" }, bar, null);

  const { width, height } = P.board;
  const svg = el("svg", { viewBox: `-0.3 -0.2 ${width + 0.6} ${height + 0.4}`, class: "board", role: "img" }, root);
  const defs = el("defs", {}, svg);
  const hatch = el("pattern", { id: `hatch-${data.key}`, width: "0.25", height: "0.25", patternUnits: "userSpaceOnUse",
                                 patternTransform: "rotate(45)" }, defs);
  el("line", { x1: "0", y1: "0", x2: "0", y2: "0.25", stroke: colours.unreached, "stroke-width": "0.06" }, hatch);

  const cells = P.grids.map((g, gi) => {
    const group = el("g", { class: `grid grid-${gi}` }, svg);
    const title = el("text", { x: g.x + g.w / 2, y: g.y - 0.18, "text-anchor": "middle", class: "title" }, group);
    title.textContent = g.title;
    const updated = frames.flatMap((f) => f.updates.filter((u) => u[0] === gi).map((u) => u[1]));
    const size = numberSize(g.text.concat(...updated));
    const padding = new Set(g.padding), unreached = new Set(g.unreached);
    const list = [];
    for (let k = 0; k < g.h * g.w; k++) {
      const r = Math.floor(k / g.w), c = k % g.w;
      const cell = el("g", { class: "cell", "data-grid": gi, "data-cell": k }, group);
      const rect = el("rect", { x: g.x + c + 0.04, y: g.y + r + 0.04, width: 0.92, height: 0.92, rx: 0.04 }, cell);
      const centred = { "text-anchor": "middle", "dominant-baseline": "central" };
      const text = el("text", { x: g.x + c + 0.5, y: g.y + r + 0.5, ...centred, "font-size": size }, cell);
      const product = el("text", { x: g.x + c + 0.5, y: g.y + r + 0.73, ...centred,
                                   "font-size": Math.min(size, PRODUCT_SIZE), class: "product" }, cell);
      if (unreached.has(k)) {
        el("rect", { x: g.x + c + 0.04, y: g.y + r + 0.04, width: 0.92, height: 0.92, fill: `url(#hatch-${data.key})`,
                     "pointer-events": "none" }, cell);
      }
      const hover = el("title", {}, cell);
      hover.textContent = words.cell.replace("{row}", r + 1).replace("{col}", c + 1)
        .replace("{i}", r).replace("{j}", c);
      list.push({ rect, text, product, padding: padding.has(k), r, c, size });
    }
    return list;
  });
  const marks = el("g", { class: "marks", "pointer-events": "none" }, svg);
  const equation = el("div", { class: "equation" }, root, null);
  const caption = el("div", { class: "caption" }, root, null);
  caption.textContent = P.caption;
  const keys = el("div", { class: "keys" }, root, null);
  keys.textContent = words.keys;
  root.title = words.keys;

  if (data.presenter) {  // the board takes what the first screen has left under it, the equation included
    const fit = () => {
      const top = svg.getBoundingClientRect().top + window.scrollY;
      const under = equation.offsetHeight + caption.offsetHeight + 16;
      svg.style.maxHeight = `${Math.max(0.45 * window.innerHeight, window.innerHeight - top - under)}px`;
    };
    requestAnimationFrame(fit);
    window.addEventListener("resize", fit);
  }
  const byOutput = new Map(frames.map((f, n) => [`${f.output[0]}:${f.output[1]}`, n]));
  const state = { n: 0, playing: false, timer: null, ms: P.speeds.find((s) => s[0] === 1)[1] };

  function paintGrid(gi, n) {
    const g = P.grids[gi], f = frames[n];
    const update = f.updates.find((u) => u[0] === gi);
    const text = update ? update[1] : g.text, fill = update ? update[2] : g.fill, dark = update ? update[3] : g.dark;
    cells[gi].forEach((cell, k) => {
      const shown = !g.reveal || g.reveal[k] <= n;
      cell.rect.setAttribute("fill", cell.padding ? colours.padding : (shown ? fill[k] : "#F4F4F4"));
      cell.text.textContent = shown ? text[k] : "";
      const ink = dark[k] ? colours.text_on_dark : colours.text;
      cell.text.setAttribute("fill", cell.padding ? colours.padding_text : ink);
      cell.text.setAttribute("font-style", cell.padding ? "italic" : "normal");
      cell.text.setAttribute("y", g.y + cell.r + 0.5);
      cell.text.setAttribute("font-size", cell.size);
      cell.product.textContent = "";
    });
  }

  function outline(gi, k, colour, dash, inset, strokeWidth) {
    const g = P.grids[gi], r = Math.floor(k / g.w), c = k % g.w;
    el("rect", { x: g.x + c + inset, y: g.y + r + inset, width: 1 - 2 * inset, height: 1 - 2 * inset, fill: "none",
                 stroke: colour, "stroke-width": strokeWidth, "stroke-dasharray": dash }, marks);
  }

  function show(n) {
    n = Math.max(0, Math.min(frames.length - 1, n));
    state.n = n;
    const f = frames[n];
    P.grids.forEach((_, gi) => paintGrid(gi, n));
    for (const [gi, k, text] of f.products) {
      const cell = cells[gi][k];
      cell.text.setAttribute("y", P.grids[gi].y + cell.r + 0.3);
      cell.text.setAttribute("font-size", Math.min(cell.size, PRODUCT_SIZE));
      cell.product.textContent = text;
    }
    marks.replaceChildren();
    for (const [gi, ks] of f.window) for (const k of ks) outline(gi, k, colours.window, "none", 0.05, 0.09);
    if (f.winner) {  // a double outline: the cue besides colour
      outline(f.winner[0], f.winner[1], colours.winner, "none", 0.12, 0.07);
      outline(f.winner[0], f.winner[1], colours.winner, "none", 0.22, 0.04);
    }
    outline(f.output[0], f.output[1], colours.output, "0.16 0.1", 0.05, 0.1);
    status.textContent = words.step.replace("{n}", n + 1).replace("{total}", frames.length);
    root.dataset.step = String(n + 1);
    equation.textContent = f.equation;
    jump.value = String(n + 1);
  }

  const reported = new Set(); // steps told to Python: when they come back as data, they are echoes, not orders
  function report() { reported.add(state.n + 1); setStateValue("step", state.n + 1); }
  function go(n) { show(n); if (!state.playing) report(); }
  function tick() {
    if (!root.isConnected) { state.playing = false; return; } // the page moved on: stop quietly
    if (state.n >= frames.length - 1) { pause(); return; }
    show(state.n + 1);
    state.timer = setTimeout(tick, state.ms);
  }
  function start() {
    if (state.n >= frames.length - 1) show(0);
    state.playing = true; root.dataset.playing = "true";
    play.textContent = `❚❚ ${words.pause}`; play.title = words.pause; play.setAttribute("aria-label", words.pause);
    state.timer = setTimeout(tick, state.ms);
  }
  function pause() {
    clearTimeout(state.timer);
    const was = state.playing;
    state.playing = false; root.dataset.playing = "false";
    play.textContent = `▶ ${words.play}`; play.title = words.play; play.setAttribute("aria-label", words.play);
    if (was) report();
  }
  function toggle() { state.playing ? pause() : start(); }
  function setSpeed(s) {
    const found = P.speeds.find((x) => x[0] === s) || P.speeds.find((x) => x[0] === 1);
    state.ms = found[1]; speed.value = String(found[0]);
  }

  const act = (fn) => () => { fn(); root.focus({ preventScroll: true }); window.__cnnvizPlayer = api; };
  first.onclick = act(() => { pause(); go(0); });
  prev.onclick = act(() => { pause(); go(state.n - 1); });
  next.onclick = act(() => { pause(); go(state.n + 1); });
  last.onclick = act(() => { pause(); go(frames.length - 1); });
  play.onclick = act(toggle);
  speed.onchange = () => { setSpeed(Number(speed.value)); setStateValue("speed", Number(speed.value)); };
  jump.onchange = () => { const v = parseInt(jump.value, 10); if (!Number.isNaN(v)) { pause(); go(v - 1); } };
  svg.addEventListener("click", (e) => {
    const cell = e.target.closest("g.cell");
    if (!cell) return;
    const n = byOutput.get(`${cell.dataset.grid}:${cell.dataset.cell}`);
    window.__cnnvizPlayer = api;
    if (n !== undefined) { pause(); go(n); root.focus({ preventScroll: true }); }
  });
  root.addEventListener("pointerdown", () => { window.__cnnvizPlayer = api; });

  function key(e) {
    const target = e.composedPath()[0];
    const outside = target && target.nodeType === 1 && !root.contains(target);
    if (outside && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) ||
                    target.closest(OWN_KEYS))) return false; // another control keeps its keys (a slider its arrows)
    if (outside && target.tagName === "BUTTON" && e.key === " ") return false; // Space presses that button
    if (target && ["INPUT", "SELECT"].includes(target.tagName)) return false; // our step field and speed list
    if (e.ctrlKey || e.metaKey || e.altKey) return false;
    if (e.key in STEP_KEYS) { pause(); go(state.n + STEP_KEYS[e.key]); }
    else if (e.key === " " || e.key === "Spacebar") toggle();
    else if (e.key === "Home") { pause(); go(0); }
    else if (e.key === "End") { pause(); go(frames.length - 1); }
    else return false;
    e.preventDefault();
    return true;
  }
  const api = { key, root, go, setSpeed, pause, echo: (step) => reported.has(step) };
  return api;
}

if (!window.__cnnvizPlayerKeys) {
  window.__cnnvizPlayerKeys = true;
  document.addEventListener("keydown", (e) => {
    const p = window.__cnnvizPlayer;
    if (p && p.root.isConnected) p.key(e);
  }, true);
}

export default function ({ parentElement, data: bytes, setStateValue }) {
  const data = JSON.parse(new TextDecoder().decode(bytes));  // ui/common/player.py sends UTF-8 JSON bytes
  const root = parentElement.querySelector(".player");
  let api = root.__player;
  if (!api || root.dataset.signature !== data.signature) {
    if (api) api.pause();
    api = build(root, data, setStateValue);
    root.__player = api;
    root.dataset.signature = data.signature;
    root.dataset.pythonStep = "";
  }
  if (!window.__cnnvizPlayer || !window.__cnnvizPlayer.root.isConnected) window.__cnnvizPlayer = api;
  if (root.dataset.pythonStep !== String(data.step)) {  // Python asked for a step (URL, lesson link, new settings)
    root.dataset.pythonStep = String(data.step);
    if (!api.echo(data.step)) api.go(data.step - 1);  // and tell Python, so what it reads back is what is shown
  }
  if (root.dataset.pythonSpeed !== String(data.speed)) {
    root.dataset.pythonSpeed = String(data.speed);
    api.setSpeed(data.speed);
  }
}
