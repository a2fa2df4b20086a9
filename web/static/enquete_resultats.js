// Survey results: one bar chart per choice question, drawn with Chart.js from the table that
// follows it (data-compte of each row), so the chart and its accessible alternative, the table,
// always show the same figures.
(function () {
  'use strict';
  if (typeof Chart === 'undefined') return;
  var nombre = new Intl.NumberFormat('fr-FR');
  Array.prototype.forEach.call(document.querySelectorAll('canvas.graphique-choix'), function (canvas) {
    var table = document.getElementById(canvas.dataset.source);
    if (!table) return;
    var lignes = Array.prototype.map.call(table.querySelectorAll('tbody tr'), function (tr) {
      return { libelle: tr.querySelector('td').textContent, compte: parseInt(tr.dataset.compte, 10) || 0 };
    });
    canvas.parentNode.style.height = Math.max(160, 40 * lignes.length + 60) + 'px';
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: lignes.map(function (l) { return l.libelle; }),
        datasets: [{ label: 'Réponses', backgroundColor: '#1f6f8b', data: lignes.map(function (l) { return l.compte; }) }]
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        locale: 'fr-FR',
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { label: function (c) { return 'Réponses : ' + nombre.format(c.parsed.x); } } }
        },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'nombre de répondants' } } }
      }
    });
    canvas.setAttribute('data-pret', '1');
  });
}());
