/**
 * Progressive enhancement only: the page is complete without it (and under a CSP that blocks
 * inline scripts, as Jenkins' default does). Adds the filter box (searching every spec's table,
 * opening the sections it finds something in) and sortable headers.
 */
export const SCRIPT = `
(function () {
  'use strict';
  var tables = Array.prototype.slice.call(document.querySelectorAll('table.subs'));
  var controls = document.getElementById('controls');
  if (!tables.length || !controls) return;
  var input = document.getElementById('filter');
  var state = document.getElementById('state');
  var count = document.getElementById('count');
  controls.hidden = false;
  function apply() {
    var q = input.value.trim().toLowerCase();
    var s = state.value;
    var shown = 0, total = 0;
    tables.forEach(function (table) {
      var hits = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
        var ok = (!q || tr.textContent.toLowerCase().indexOf(q) !== -1) && (!s || tr.getAttribute('data-state') === s);
        tr.hidden = !ok;
        total++;
        if (ok) { shown++; hits++; }
      });
      // A spec's section opens when a filter finds something in it.
      var d = table.closest('details.spec');
      if (d && (q || s) && hits) d.open = true;
    });
    count.textContent = shown + ' of ' + total + ' shown';
  }
  input.addEventListener('input', apply);
  state.addEventListener('change', apply);
  tables.forEach(function (table) {
    var tbody = table.tBodies[0];
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var type = th.getAttribute('data-type');
      if (!type) return;
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = th.textContent;
      th.textContent = '';
      th.appendChild(b);
      b.addEventListener('click', function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(table.tHead.rows[0].cells, function (o) { o.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var rows = Array.prototype.slice.call(tbody.rows);
        rows.sort(function (a, c) {
          var x = a.cells[col].getAttribute('data-sort') || a.cells[col].textContent;
          var y = c.cells[col].getAttribute('data-sort') || c.cells[col].textContent;
          var r = type === 'number' ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, undefined, { numeric: true });
          return asc ? r : -r;
        });
        rows.forEach(function (r) { tbody.appendChild(r); });
      });
    });
  });
  apply();
})();
`;
