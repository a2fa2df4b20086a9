// TopoJSON for the maps (https://github.com/topojson/topojson-specification): the commune
// contours of /api/v1/contours/{zone}?niveau=... are a quantized, delta-encoded topology whose
// shared borders are stored once. MaillageTopo.features() turns it into the GeoJSON
// FeatureCollection that Leaflet draws; MaillageTopo.mesh() gives the borders between groups
// (the départements' outlines drawn over the communes of the map of France).
(function (global) {
  'use strict';

  // Every arc as an array of [lon, lat], decoded once.
  function decodeArcs(topology) {
    var t = topology.transform;
    var sx = t ? t.scale[0] : 1;
    var sy = t ? t.scale[1] : 1;
    var tx = t ? t.translate[0] : 0;
    var ty = t ? t.translate[1] : 0;
    return topology.arcs.map(function (arc) {
      var x = 0;
      var y = 0;
      var out = new Array(arc.length);
      for (var i = 0; i < arc.length; i++) {
        if (t) {
          x += arc[i][0];
          y += arc[i][1];
          out[i] = [x * sx + tx, y * sy + ty];
        } else {
          out[i] = arc[i];
        }
      }
      return out;
    });
  }

  // A ring from arc references (~i: arc i reversed); consecutive arcs share their end point.
  function ring(arcs, refs) {
    var out = [];
    for (var k = 0; k < refs.length; k++) {
      var r = refs[k];
      var a = arcs[r < 0 ? ~r : r];
      var n = a.length;
      for (var i = out.length ? 1 : 0; i < n; i++) out.push(r < 0 ? a[n - 1 - i] : a[i]);
    }
    return out;
  }

  function geometry(arcs, g) {
    if (g.type === 'Polygon') {
      return { type: 'Polygon', coordinates: g.arcs.map(function (r) { return ring(arcs, r); }) };
    }
    if (g.type === 'MultiPolygon') {
      return {
        type: 'MultiPolygon',
        coordinates: g.arcs.map(function (p) { return p.map(function (r) { return ring(arcs, r); }); })
      };
    }
    return null;
  }

  function features(topology, name) {
    var arcs = topology._decoded || (topology._decoded = decodeArcs(topology));
    var object = topology.objects[name];
    return {
      type: 'FeatureCollection',
      features: object.geometries.map(function (g) {
        var properties = g.properties || {};
        if (properties.code === undefined) properties.code = g.id;  // the map of France's are terse
        return { type: 'Feature', id: g.id, properties: properties, geometry: geometry(arcs, g) };
      })
    };
  }

  // The arcs whose two sides satisfy keep(a, b) (b undefined for an arc with one side: the
  // coast, the border), as a GeoJSON MultiLineString.
  function mesh(topology, name, keep) {
    var arcs = topology._decoded || (topology._decoded = decodeArcs(topology));
    var sides = new Array(arcs.length);
    topology.objects[name].geometries.forEach(function (g) {
      var polygons = g.type === 'Polygon' ? [g.arcs] : g.type === 'MultiPolygon' ? g.arcs : [];
      polygons.forEach(function (p) {
        p.forEach(function (refs) {
          refs.forEach(function (r) {
            var i = r < 0 ? ~r : r;
            if (!sides[i]) sides[i] = [g];
            else sides[i].push(g);
          });
        });
      });
    });
    var lines = [];
    for (var i = 0; i < arcs.length; i++) {
      var s = sides[i];
      if (s && keep(s[0], s[1])) lines.push(arcs[i]);
    }
    return { type: 'MultiLineString', coordinates: lines };
  }

  global.MaillageTopo = { features: features, mesh: mesh };
})(window);
