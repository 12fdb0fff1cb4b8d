// A pipeline's page: drag a stage to another place in the list, then POST the whole order; the page
// reloads with the order saved, or puts the list back and says why. Without JavaScript (or from the
// keyboard) the ↑ and ↓ buttons of each stage do the same through the server.
(function () {
  const list = document.querySelector(".stage-list");
  if (!list) return;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  const error = document.getElementById("stage-order-error");
  const rows = () => [...list.querySelectorAll(":scope > .stage-row")];
  const ids = () => rows().map((row) => row.dataset.id);
  let dragged = null;
  let before = null;
  const number = () => rows().forEach((row, index) => {
    row.querySelector(".stage-position").textContent = index + 1;
  });
  const restore = () => {
    before.forEach((id) => list.appendChild(list.querySelector(`:scope > .stage-row[data-id="${id}"]`)));
    number();
  };
  // A row is grabbed anywhere but on its field and buttons, which keep working as usual.
  list.addEventListener("mousedown", (event) => {
    const row = event.target.closest(".stage-row");
    if (row) row.draggable = !event.target.closest("input, button, a, label");
  });
  list.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".stage-row");
    if (!dragged) return;
    before = ids();
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
  });
  list.addEventListener("dragover", (event) => {
    if (!dragged) return;
    event.preventDefault();
    const row = event.target.closest(".stage-row");
    if (!row || row === dragged) return;
    const box = row.getBoundingClientRect();
    list.insertBefore(dragged, event.clientY < box.top + box.height / 2 ? row : row.nextElementSibling);
    number();
  });
  list.addEventListener("drop", async (event) => {
    if (!dragged) return;
    event.preventDefault();
    const row = dragged;
    dragged = null;
    row.classList.remove("dragging");
    row.draggable = false;
    const order = ids();
    if (order.join() === before.join()) return;
    const body = new URLSearchParams(order.map((id) => ["stages", id]));
    body.append("version", list.dataset.version);
    const response = await fetch(list.dataset.orderUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
    });
    if (response.ok) {  // the page again (a GET, whatever brought it), its versions and buttons fresh
      window.location.assign(window.location.pathname);
      return;
    }
    restore();
    error.textContent = await response.text();
    error.hidden = false;
  });
  list.addEventListener("dragend", () => {
    if (!dragged) return;  // dropped: handled above
    dragged.classList.remove("dragging");
    dragged.draggable = false;
    dragged = null;
    restore();  // let go outside the list: nothing changes
  });
})();
