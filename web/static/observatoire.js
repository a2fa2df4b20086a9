// Observatory charts (Chart.js 4, served by the binary): CPTS by stage in France and the share of
// the population covered per région, from /api/v1/observatory. The tables are server-rendered.
(function () {
  'use strict';
  var etapes = document.getElementById('graphique-etapes');
  var regions = document.getElementById('graphique-regions');
  if (!etapes || !regions || typeof Chart === 'undefined') return;

  fetch('/api/v1/observatory', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    })
    .then(function (o) {
      var parEtape = o.france ? o.france.cpts_par_etape : {};
      new Chart(etapes, {
        type: 'bar',
        data: {
          labels: o.etapes.map(function (e) { return e.libelle; }),
          datasets: [{ label: 'CPTS', data: o.etapes.map(function (e) { return parEtape[e.id] || 0; }), backgroundColor: '#1f5fa8' }]
        },
        options: { animation: false, maintainAspectRatio: false, plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      });
      var lignes = o.regions.filter(function (r) { return r.population > 0; });
      new Chart(regions, {
        type: 'bar',
        data: {
          labels: lignes.map(function (r) { return r.nom; }),
          datasets: [
            { label: 'Toutes CPTS', data: lignes.map(function (r) { return r.part_population_couverte.toutes; }), backgroundColor: '#56b4e9' },
            { label: 'ACI signé', data: lignes.map(function (r) { return r.part_population_couverte.aci_signe; }), backgroundColor: '#0072b2' }
          ]
        },
        options: { animation: false, maintainAspectRatio: false, indexAxis: 'y',
          scales: { x: { beginAtZero: true, max: 100, title: { display: true, text: '% de la population' } } } }
      });
      document.body.dataset.graphiques = 'prets';
    })
    .catch(function (err) {
      etapes.parentNode.appendChild(document.createTextNode('Graphiques indisponibles (' + err.message + ').'));
    });
})();
