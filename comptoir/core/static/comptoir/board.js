// Drag a deal card to another stage column: POST the move, keep the card there if the server agrees.
(function () {
  const board = document.querySelector(".board");
  if (!board) return;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  let dragged = null;
  // Keep each column's count and its "no opportunity" line true after a move.
  const recount = (column) => {
    const cards = column.querySelectorAll(".deal").length;
    column.querySelector(".count").textContent = cards;
    column.querySelector(".empty").hidden = cards > 0;
  };
  board.addEventListener("dragstart", (event) => {
    dragged = event.target.closest(".deal");
    if (dragged) event.dataTransfer.setData("text/plain", dragged.dataset.id);
  });
  board.addEventListener("dragover", (event) => {
    if (event.target.closest(".column")) event.preventDefault();
  });
  board.addEventListener("drop", async (event) => {
    const column = event.target.closest(".column");
    if (!column || !dragged) return;
    event.preventDefault();
    const from = dragged.parentElement;
    if (from === column) return;
    column.insertBefore(dragged, column.querySelector(".empty"));
    recount(from);
    recount(column);
    const url = board.dataset.moveUrl.replace("/0/", "/" + dragged.dataset.id + "/");
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: "stage=" + encodeURIComponent(column.dataset.stage),
    });
    if (!response.ok) {
      from.insertBefore(dragged, from.querySelector(".empty"));
      recount(from);
      recount(column);
      alert(await response.text());
    }
    dragged = null;
  });
})();
