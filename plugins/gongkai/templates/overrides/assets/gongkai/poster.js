// The 打印 button of a poster: only a script can open the print dialog, so the button shows only where scripts run.
const button = document.getElementById("gk-print");
if (button) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
