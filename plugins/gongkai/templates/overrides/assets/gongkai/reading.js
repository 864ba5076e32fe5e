// 大字 and 高对比: the reader's choice, kept in localStorage and applied by the inline script in <head>
// (main.html) before the page is drawn; this file only wires the two header buttons.
(() => {
  const KEY = "gk-reading";
  const root = document.documentElement;
  const modes = () => new Set((root.dataset.gkReading || "").split(" ").filter(Boolean));
  const buttons = document.querySelectorAll(".gk-reading__button");
  const show = () => {
    const on = modes();
    for (const button of buttons) button.setAttribute("aria-pressed", String(on.has(button.dataset.gkMode)));
  };
  for (const button of buttons) {
    button.addEventListener("click", () => {
      const on = modes();
      if (on.has(button.dataset.gkMode)) on.delete(button.dataset.gkMode); else on.add(button.dataset.gkMode);
      const value = [...on].sort().join(" ");
      if (value) root.dataset.gkReading = value; else delete root.dataset.gkReading;
      try {
        if (value) localStorage.setItem(KEY, value); else localStorage.removeItem(KEY);
      } catch (error) { /* private mode: the choice holds for this page only */ }
      show();
    });
  }
  show();
})();
