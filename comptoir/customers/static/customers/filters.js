// The customer list's filters: open on a wide screen; on a phone they stay folded under « Filtres »
// until asked for, so the list comes first.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(min-width: 721px)").matches) return;
  for (const details of document.querySelectorAll("details[data-open-wide]")) details.open = true;
});
