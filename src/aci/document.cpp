// Contract documents taken apart and put back together (see document.hpp).
#include "aci/document.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

namespace maillage::aci {

namespace {

using nlohmann::json;

json parse(std::string_view text) { return json::parse(text, nullptr, false); }

std::string text_of(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

json* find_indicator(json& indicators, const std::string& mission, const std::string& id) {
  if (!indicators.is_object() || !indicators.contains(mission)) return nullptr;
  json* target = nullptr;
  for (auto& ind : indicators[mission]) {
    if (ind.value("id", "") == id) target = &ind;
  }
  return target;
}

}  // namespace

std::optional<DocumentParts> split_document(std::string_view document) {
  json doc = parse(document);
  if (doc.is_discarded()) return std::nullopt;
  DocumentParts parts;
  json indicators = json::object();
  if (doc.is_object() && doc.contains("missions")) {
    for (auto& m : doc["missions"]) {
      if (!m.contains("indicators")) continue;
      std::string mission = m.value("mission", "");
      json list = m["indicators"];
      for (auto& ind : list) {
        std::string id = ind.value("id", "");
        if (!ind.contains("years")) continue;
        for (auto& y : ind["years"]) {
          if (!y.contains("measured")) continue;
          if (y["measured"].is_number()) {
            parts.measures.push_back(
                {mission, id, y.value("year", 0), y["measured"].get<double>()});
          }
          y.erase("measured");
        }
      }
      indicators[mission] = std::move(list);
      m.erase("indicators");
    }
  }
  parts.terms = doc.dump();
  parts.indicators = indicators.dump();
  return parts;
}

std::string merge_document(std::string_view terms, std::string_view indicators_text,
                           const std::vector<DocumentMeasure>& measures) {
  json doc = parse(terms);
  json indicators = parse(indicators_text);
  if (indicators.is_discarded()) indicators = json::object();
  std::map<std::tuple<std::string, std::string, int>, double> measured;
  for (const auto& m : measures) measured[{m.mission, m.indicator, m.year}] = m.value;
  if (!doc.is_object() || !doc.contains("missions")) return doc.dump();
  for (auto& m : doc["missions"]) {
    std::string mission = m.value("mission", "");
    auto it = indicators.find(mission);
    if (it == indicators.end()) continue;
    json list = *it;
    for (auto& ind : list) {
      std::string id = ind.value("id", "");
      if (!ind.contains("years")) continue;
      for (auto& y : ind["years"]) {
        auto mv = measured.find({mission, id, y.value("year", 0)});
        if (mv != measured.end()) y["measured"] = mv->second;
      }
    }
    m["indicators"] = std::move(list);
  }
  return doc.dump();
}

std::optional<DocumentOutline> outline_document(std::string_view document) {
  json doc = parse(document);
  if (doc.is_discarded()) return std::nullopt;
  DocumentOutline out;
  out.text = doc.dump();
  out.is_object = doc.is_object();
  if (!out.is_object) return out;
  if (auto ms = doc.find("missions"); ms != doc.end() && ms->is_array()) {
    for (std::size_t i = 0; i < ms->size(); ++i) {
      const json& m = (*ms)[i];
      if (!m.is_object()) continue;
      if (m.contains("indicators") && !out.mission_with_indicators) out.mission_with_indicators = i;
      out.missions.push_back(text_of(m, "mission"));
    }
  }
  if (auto p = doc.find("parties"); p != doc.end() && p->is_object()) {
    for (auto [key, label] :
         {std::pair{"cpts", "CPTS"}, {"msp", "MSP"}, {"cpam", "CPAM"}, {"ars", "ARS"}}) {
      auto party = p->find(key);
      if (party == p->end()) continue;
      out.parties.push_back({label, text_of(*party, "name"), text_of(*party, "finess"),
                             text_of(*party, "rna"), text_of(*party, "siret")});
    }
  }
  if (auto av = doc.find("avenants"); av != doc.end() && av->is_array()) {
    for (const auto& a : *av)
      out.avenant_accords.push_back(a.is_object() ? text_of(a, "accord") : "");
  }
  if (auto am = doc.find("amounts"); am != doc.end() && am->is_object()) {
    for (auto it = am->begin(); it != am->end(); ++it)
      out.amounts.emplace_back(it.key(), it.value().dump());
  }
  if (auto ms = doc.find("missions"); ms != doc.end() && ms->is_array()) {
    for (const auto& m : *ms) {
      if (m.is_object() && m.contains("amounts")) {
        out.amounts.emplace_back(text_of(m, "mission"), m["amounts"].dump());
      }
    }
  }
  return out;
}

std::vector<std::pair<std::string, bool>> indicator_missions(std::string_view indicators_text) {
  json indicators = parse(indicators_text);
  std::vector<std::pair<std::string, bool>> out;
  if (!indicators.is_object()) return out;
  for (auto it = indicators.begin(); it != indicators.end(); ++it) {
    out.emplace_back(it.key(), !it.value().empty());
  }
  return out;
}

TargetEdit find_target(std::string_view indicators_text, const std::string& mission,
                       const std::string& indicator) {
  json indicators = parse(indicators_text);
  if (!indicators.is_object() || !indicators.contains(mission)) return TargetEdit::unknown_mission;
  return find_indicator(indicators, mission, indicator) ? TargetEdit::done
                                                        : TargetEdit::unknown_indicator;
}

TargetEdit set_target(std::string& indicators_text, const std::string& mission,
                      const std::string& indicator, int year, const std::vector<double>& paliers) {
  json indicators = parse(indicators_text);
  if (indicators.is_discarded()) indicators = json::object();
  if (!indicators.is_object() || !indicators.contains(mission)) return TargetEdit::unknown_mission;
  json* target = find_indicator(indicators, mission, indicator);
  if (target == nullptr) return TargetEdit::unknown_indicator;
  json& years = (*target)["years"];
  bool found = false;
  for (auto& y : years) {
    if (y.value("year", 0) == year) {
      y["paliers"] = paliers;
      found = true;
    }
  }
  if (!found) years.push_back({{"year", year}, {"paliers", paliers}});
  indicators_text = indicators.dump();
  return TargetEdit::done;
}

}  // namespace maillage::aci
