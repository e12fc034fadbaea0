// A square drawing pad: dark ink on white paper, like a pen on a sheet. After every stroke the
// picture goes to Python as a PNG data URL (state "png"); "Clear" sends null.
export default function ({ parentElement, data, setStateValue }) {
  const canvas = parentElement.querySelector("canvas");
  const size = data?.size ?? 280;
  if (canvas.dataset.ready === String(size)) return; // a rerun: keep the drawing and the listeners
  canvas.dataset.ready = String(size);
  canvas.width = canvas.height = size;
  canvas.style.width = canvas.style.height = `${size}px`;
  const ctx = canvas.getContext("2d");
  const blank = () => { ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, size, size); };
  blank();
  ctx.lineCap = ctx.lineJoin = "round";
  ctx.strokeStyle = "#000";
  ctx.lineWidth = data?.stroke ?? 18;
  let drawing = false;
  const at = (e) => { const r = canvas.getBoundingClientRect(); return [(e.clientX - r.left) * size / r.width, (e.clientY - r.top) * size / r.height]; };
  canvas.addEventListener("pointerdown", (e) => {
    drawing = true; canvas.setPointerCapture(e.pointerId);
    const [x, y] = at(e); ctx.beginPath(); ctx.moveTo(x, y); ctx.lineTo(x + 0.01, y); ctx.stroke();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    const [x, y] = at(e); ctx.lineTo(x, y); ctx.stroke();
  });
  const finish = () => { if (drawing) { drawing = false; setStateValue("png", canvas.toDataURL("image/png")); } };
  canvas.addEventListener("pointerup", finish);
  canvas.addEventListener("pointercancel", finish);
  parentElement.querySelector("button").addEventListener("click", () => { blank(); setStateValue("png", null); });
}
