// The member index: search by name or code, and sortable columns. The page works
// without this script (the whole table is there); it only adds the two.
(function () {
  "use strict";
  var lang = document.documentElement.lang;
  var thousands = lang === "da" ? "." : ",";
  var point = lang === "da" ? "," : ".";

  // A cell's number as the report wrote it ("1.234,5 %", "−12", "3 af 5" is no number).
  function number(text) {
    var t = text.replace(/\s|%/g, "").split(thousands).join("").replace(point, ".");
    t = t.replace("\u2212", "-");
    return /^[+-]?\d+(\.\d+)?$/.test(t) ? parseFloat(t) : null;
  }

  function sortable(table) {
    var body = table.tBodies[0];
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var descending = th.getAttribute("aria-sort") === "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        var rows = Array.prototype.slice.call(body.rows);
        var keyed = rows.map(function (row, i) {
          var text = row.cells[column].textContent.trim();
          return { row: row, i: i, text: text, n: number(text) };
        });
        var numeric = keyed.every(function (k) { return k.n !== null || k.text === "–"; });
        keyed.sort(function (a, b) {
          var order;
          if (numeric) {
            if (a.n === null || b.n === null) {
              // Missing values last, in either direction.
              return a.n === null ? (b.n === null ? a.i - b.i : 1) : -1;
            }
            order = a.n - b.n;
          } else {
            order = a.text.localeCompare(b.text, lang);
          }
          return (descending ? -order : order) || a.i - b.i;
        });
        keyed.forEach(function (k) { body.appendChild(k.row); });
      });
    });
  }

  function searchable(input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    var count = document.getElementById("member-count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function fold(text) {
      return text.toLocaleLowerCase(lang).normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    }
    var keys = rows.map(function (row) {
      // Name and code: the first two cells of the member index.
      return fold(row.cells[0].textContent + " " + (row.cells[1] ? row.cells[1].textContent : ""));
    });
    function apply() {
      var query = fold(input.value.trim());
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = !query || keys[i].indexOf(query) !== -1;
        row.hidden = !match;
        if (match) { shown += 1; }
      });
      count.textContent = count.getAttribute("data-template")
        .replace("{n}", shown).replace("{m}", rows.length);
    }
    input.addEventListener("input", apply);
    var given = new URLSearchParams(window.location.search).get("q");
    if (given) { input.value = given; }
    apply();
    input.closest(".search").hidden = false;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table[data-sortable]").forEach(sortable);
    document.querySelectorAll("#member-search").forEach(searchable);
  });
})();
