// Search and status filters: an enhancement over tables that are complete without it.
(function () {
  "use strict";
  function setup(form) {
    var table = document.getElementById(form.getAttribute("data-table"));
    if (!table || !table.tBodies.length) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var text = rows.map(function (r) { return r.textContent.toLowerCase(); });
    var query = form.querySelector("input[type=search]");
    var status = form.querySelector("select");
    var out = form.querySelector("output");
    function apply() {
      var needle = query.value.trim().toLowerCase();
      var wanted = status ? status.value : "";
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = (needle === "" || text[i].indexOf(needle) !== -1) &&
          (wanted === "" || row.getAttribute("data-status") === wanted);
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      out.textContent = shown + " of " + rows.length + " shown";
    }
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  }
  Array.prototype.forEach.call(document.querySelectorAll("form.filter"), setup);
  // Printed reports show every list that is folded on screen.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
}());
