// Membership-rate chart: members and the territory's professionals per profession, as grouped
// horizontal bars drawn with Chart.js from the table of the page (data-membres and
// data-professionnels of each row), so the chart and its accessible alternative, the table,
// always show the same figures.
(function () {
  'use strict';
  var canvas = document.getElementById('graphique-taux');
  if (!canvas || typeof Chart === 'undefined') return;
  var lignes = Array.prototype.map.call(document.querySelectorAll('#taux-professions tbody tr[data-cle]'), function (tr) {
    return {
      libelle: tr.querySelector('td').textContent,
      membres: parseInt(tr.dataset.membres, 10) || 0,
      professionnels: parseFloat(tr.dataset.professionnels) || 0
    };
  });
  if (!lignes.length) { canvas.closest('figure').hidden = true; return; }
  var nombre = new Intl.NumberFormat('fr-FR');
  canvas.parentNode.style.height = Math.max(220, 56 * lignes.length + 80) + 'px';
  new Chart(canvas, {
    type: 'bar',
    data: {
      labels: lignes.map(function (l) { return l.libelle; }),
      datasets: [
        { label: 'Membres', backgroundColor: '#1f6f8b', data: lignes.map(function (l) { return l.membres; }) },
        { label: 'Professionnels du territoire', backgroundColor: '#b8c7d1', data: lignes.map(function (l) { return l.professionnels; }) }
      ]
    },
    options: {
      indexAxis: 'y',
      animation: false,
      maintainAspectRatio: false,
      locale: 'fr-FR',
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: function (c) { return c.dataset.label + ' : ' + nombre.format(c.parsed.x); },
            footer: function (items) {
              var l = lignes[items[0].dataIndex];
              if (!l.professionnels) return '';
              return 'Taux d\u2019adhésion : ' + new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 })
                .format(100 * l.membres / l.professionnels) + '\u00a0%';
            }
          }
        }
      },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'nombre de personnes' } } }
    }
  });
  canvas.setAttribute('data-pret', '1');
}());
