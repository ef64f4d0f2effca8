// Page behaviour without inline scripts (the content security policy forbids them).
document.addEventListener("change", (event) => {
  if (event.target.matches(".js-autosubmit")) event.target.form.submit();
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
// A "select all" box ticks every checkbox named in its data-check-all.
document.addEventListener("change", (event) => {
  const name = event.target.dataset.checkAll;
  if (!name) return;
  document.querySelectorAll(`input[name="${name}"]`).forEach((box) => {
    box.checked = event.target.checked;
  });
});

// A bar whose data-width is a shown percentage ("57.50%", "—") fills that far, at most 100%.
document.querySelectorAll("[data-width]").forEach((bar) => {
  const value = parseFloat(bar.dataset.width);
  bar.style.width = `${Number.isFinite(value) ? Math.min(value, 100) : 0}%`;
});
