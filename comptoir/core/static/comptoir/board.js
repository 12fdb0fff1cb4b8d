// Drag a deal card to another stage column: POST the move, keep the card there if the server agrees.
// Each column's head (count and total amount) is the server's: SQL over the board's filters, true even
// when only the most recent cards are shown; after a move it is read again (?part=heads).
(function () {
  const board = document.querySelector(".board");
  if (!board) return;
  const csrf = JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"];
  let dragged = null;
  const showEmpty = (column) => {
    column.querySelector(".empty").hidden = column.querySelectorAll(".deal").length > 0;
  };
  // Until the server answers, the counts move with the card.
  const shift = (column, by) => {
    const count = column.querySelector(".count");
    count.textContent = Math.max(0, (parseInt(count.textContent, 10) || 0) + by);
  };
  const refreshHeads = async () => {
    const response = await fetch(board.dataset.headsUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const heads = (await response.json()).columns;
    board.querySelectorAll(".column").forEach((column) => {
      const head = heads[column.dataset.stage] || { count: 0, total: "—" };
      column.querySelector(".count").textContent = head.count;
      column.querySelector(".column-total").textContent = head.total;
    });
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
    const from = dragged.closest(".column");
    if (from === column) return;
    const card = dragged;
    dragged = null;
    column.insertBefore(card, column.querySelector(".empty"));
    shift(from, -1);
    shift(column, 1);
    showEmpty(from);
    showEmpty(column);
    const url = board.dataset.moveUrl.replace("/0/", "/" + card.dataset.id + "/");
    const response = await fetch(url, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      body: "stage=" + encodeURIComponent(column.dataset.stage),
    });
    if (!response.ok) {
      from.insertBefore(card, from.querySelector(".empty"));
      shift(from, 1);
      shift(column, -1);
      showEmpty(from);
      showEmpty(column);
      alert(await response.text());
      return;
    }
    refreshHeads();
  });
})();
