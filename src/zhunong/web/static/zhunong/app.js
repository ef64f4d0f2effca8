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

// Long work (drafting a notice, computing a province's table): a form with data-busy shows it is
// working — its button disabled, a spinner and the form's words — so nobody presses twice or
// wonders whether anything happened. Coming back to the page (history) makes it usable again.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || !form.dataset.busy) return;
  form.querySelectorAll('button[type="submit"]').forEach((button) => {
    button.dataset.label = button.innerHTML;
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    const spinner = document.createElement("span");
    spinner.className = "spinner-border spinner-border-sm me-1";
    spinner.setAttribute("aria-hidden", "true");
    button.replaceChildren(spinner, document.createTextNode(form.dataset.busy));
  });
});
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-busy] button[aria-busy]").forEach((button) => {
    button.innerHTML = button.dataset.label;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  });
});

// The region picker's search box: typing part of a name keeps only the matching regions in the
// list and picks the first, so a bureau finds 二七区 among a province's 180 without scrolling.
document.addEventListener("input", (event) => {
  if (!event.target.matches(".js-region-filter")) return;
  const select = document.getElementById(event.target.getAttribute("aria-controls"));
  const wanted = event.target.value.trim();
  let first = null;
  for (const option of select.options) {
    const hit = !wanted || option.text.includes(wanted) || option.value.startsWith(wanted);
    option.hidden = !hit;
    if (hit && !first) first = option;
  }
  if (wanted && first) select.value = first.value;
});
