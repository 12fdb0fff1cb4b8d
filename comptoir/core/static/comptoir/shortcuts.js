// "/" anywhere (outside a field) jumps to the topbar's search, as in Gmail or GitHub.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  const search = document.getElementById("global-search");
  if (!search) return;
  event.preventDefault();
  search.focus();
  search.select();
});

// A suggestion with data-fill (the unit picker) fills its form's « unit » field.
document.addEventListener("click", (event) => {
  const choice = event.target.closest("[data-fill]");
  if (!choice) return;
  const field = choice.closest("form")?.querySelector("[name=unit]");
  if (field) field.value = choice.dataset.fill;
});
