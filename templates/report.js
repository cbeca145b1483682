// Search and status filters: an enhancement over tables that are complete without it.
(function () {
  "use strict";
  function setup(form) {
    // The rows of one table, or of every table of a container (the controls by category).
    var table = document.getElementById(form.getAttribute("data-table"));
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody > tr"));
    var groups = Array.prototype.slice.call(table.querySelectorAll("details.group"));
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
      // While a filter is on, unfold the groups with a matching row and hide the others;
      // without one, every group is back as the page opened it.
      var filtering = needle !== "" || wanted !== "";
      groups.forEach(function (g) {
        var any = g.querySelector("tbody > tr:not([hidden])") !== null;
        g.hidden = filtering && !any;
        g.open = filtering ? any : g.getAttribute("data-open") === "true";
      });
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
