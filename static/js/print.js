// The walk sheet's Print button (a file, not an inline handler, so a strict CSP allows it).
document.getElementById("print-button")?.addEventListener("click", () => window.print());
