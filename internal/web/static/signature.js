// Signatures drawn with a finger on the renovation briefing's canvases:
// each canvas writes its drawing, as a PNG data URL, into the hidden input
// it names (data-for) when the form is sent.
document.addEventListener("DOMContentLoaded", () => {
  for (const c of document.querySelectorAll("canvas.signature")) {
    const g = c.getContext("2d");
    let drawing = false, drawn = false;
    const at = (e) => {
      const r = c.getBoundingClientRect();
      return [(e.clientX - r.left) * c.width / r.width, (e.clientY - r.top) * c.height / r.height];
    };
    c.addEventListener("pointerdown", (e) => { drawing = true; drawn = true; g.beginPath(); g.moveTo(...at(e)); });
    c.addEventListener("pointermove", (e) => { if (drawing) { g.lineTo(...at(e)); g.stroke(); } });
    for (const ev of ["pointerup", "pointerleave"]) c.addEventListener(ev, () => { drawing = false; });
    c.closest("form").addEventListener("submit", () => {
      if (drawn) document.getElementById(c.dataset.for).value = c.toDataURL("image/png");
    });
  }
});
