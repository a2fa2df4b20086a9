// Test-only: a document with every kind of block, as the projet de santé will use them, and a
// small map drawn by render_map for its image.
#pragma once

#include <string>

#include "office/document.hpp"
#include "office/raster.hpp"

namespace maillage::office::test {

/// A 40 × 30 map: a blue square with a hole and an orange triangle beside it.
inline MapImage small_map() {
  MapImage map;
  map.width = 40;
  map.height = 30;
  map.margin_px = 2;
  map.shapes.push_back({{{{6.0, 49.0}, {6.5, 49.0}, {6.5, 49.5}, {6.0, 49.5}},
                         {{6.2, 49.2}, {6.3, 49.2}, {6.3, 49.3}, {6.2, 49.3}}},
                        {70, 130, 180, 255},
                        {255, 255, 255, 255},
                        1});
  map.shapes.push_back({{{{6.5, 49.0}, {7.0, 49.2}, {6.5, 49.5}}}, {220, 120, 60, 255}, {}, 0});
  return map;
}

inline Document projet_sample(const std::string& map_png) {
  Document doc;
  doc.title = "Projet de santé — CPTS du Saulnois";
  doc.author = "Maillage (tests)";
  doc.created = "2026-03-01T09:30:00Z";
  doc.footer = {"Projet de santé — CPTS du Saulnois", true};
  doc.table_of_contents()
      .heading(1, "Le territoire")
      .paragraph({{"Population : ", true}, {"31 245 habitants"}, {" (INSEE 2021)"}})
      .image({map_png, 12, 0, "Carte 1 — Communes du territoire", "Carte des 128 communes"})
      .heading(2, "Communes & <voisins>")
      .bullets({"Château-Salins", Paragraph({{"Dieuze", true}, {" (chef-lieu de canton)"}})})
      .table({{"Commune", "Population", "Médecins"},
              {{"Château-Salins", "2 400", "3"}, {"Dieuze", "2 900"}, {"Vic-sur-Seille"}},
              {3, 1, 1}})
      .page_break()
      .heading(3, "Annexe")
      .paragraph("  deux  espaces\tpuis\nligne\r\nfin ")
      .heading(1, "Gouvernance");
  return doc;
}

}  // namespace maillage::office::test
