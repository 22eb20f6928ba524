// Click a column header of a .sortable table to sort by it (numbers as numbers); again to reverse.
(function () {
  "use strict";
  function cellValue(row, index) {
    const text = row.cells[index] ? row.cells[index].textContent.trim() : "";
    const number = Number(text.replace(/[,%]/g, ""));
    return text !== "" && !Number.isNaN(number) ? number : text.toLowerCase();
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("thead th").forEach(function (th, index) {
      th.tabIndex = 0;
      th.setAttribute("role", "button");
      th.title = "Sort";
      function sort() {
        const body = table.tBodies[0];
        const ascending = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        const rows = Array.from(body.rows);
        rows.sort(function (a, b) {
          const x = cellValue(a, index), y = cellValue(b, index);
          return (x > y ? 1 : x < y ? -1 : 0) * (ascending ? 1 : -1);
        });
        rows.forEach(function (row) { body.appendChild(row); });
      }
      th.addEventListener("click", sort);
      th.addEventListener("keydown", function (event) { if (event.key === "Enter") sort(); });
    });
  });
})();
