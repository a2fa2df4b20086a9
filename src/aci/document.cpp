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
  out.signature = text_of(doc, "signature");
  out.size_class = text_of(doc, "size_class");
  out.accord = text_of(doc, "accord");
  if (auto ms = doc.find("missions"); ms != doc.end() && ms->is_array()) {
    for (const auto& m : *ms) {
      if (m.is_object()) out.mission_starts.emplace_back(text_of(m, "mission"), text_of(m, "start"));
    }
  }
  if (auto am = doc.find("amendments"); am != doc.end() && am->is_array()) {
    for (const auto& a : *am) {
      if (!a.is_object()) continue;
      DocumentAmendment d{text_of(a, "from"), text_of(a, "size_class"), {}, text_of(a, "reason")};
      if (auto ms = a.find("missions"); ms != a.end() && ms->is_array()) {
        for (const auto& m : *ms) d.missions.push_back(m.is_string() ? m.get<std::string>() : "");
      }
      out.amendments.push_back(std::move(d));
    }
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

std::string merge_msp_measures(std::string_view terms,
                               const std::vector<DocumentMeasure>& measures) {
  json doc = parse(terms);
  if (!doc.is_object()) return std::string(terms);
  if (!doc.contains("years") || !doc["years"].is_array()) doc["years"] = json::array();
  json& years = doc["years"];
  auto year_entry = [&](int year) -> json& {
    for (auto& y : years) {
      if (y.is_object() && y.value("year", 0) == year) return y;
    }
    years.push_back({{"year", year}, {"patients", 0}});
    return years.back();
  };
  if (!doc.contains("indicators") || !doc["indicators"].is_array()) {
    doc["indicators"] = json::array();
  }
  for (const auto& m : measures) {
    if (m.mission != kMspMission) continue;
    if (m.indicator == kMspPatients) {
      year_entry(m.year)["patients"] = static_cast<std::int64_t>(m.value);
      continue;
    }
    for (auto& ind : doc["indicators"]) {
      if (!ind.is_object() || ind.value("id", "") != m.indicator) continue;
      year_entry(m.year);
      if (!ind.contains("achievements") || !ind["achievements"].is_array()) {
        ind["achievements"] = json::array();
      }
      json kept = json::array();
      for (auto& a : ind["achievements"]) {
        if (!(a.is_object() && a.value("year", 0) == m.year)) kept.push_back(a);
      }
      kept.push_back({{"year", m.year}, {"rate", m.value}});
      ind["achievements"] = std::move(kept);
    }
  }
  return doc.dump();
}

std::optional<std::string> edit_terms(std::string_view terms, const TermsEdit& edit) {
  json doc = parse(terms);
  if (!doc.is_object()) return std::nullopt;
  if (edit.signature) doc["signature"] = *edit.signature;
  if (edit.size_class) doc["size_class"] = *edit.size_class;
  if (edit.accord) doc["accord"] = *edit.accord;
  if (edit.missions) {
    json old = doc.contains("missions") && doc["missions"].is_array() ? doc["missions"]
                                                                        : json::array();
    json missions = json::array();
    for (const auto& [id, start] : *edit.missions) {
      json m = {{"mission", id}};
      for (const auto& o : old) {
        if (o.is_object() && o.value("mission", "") == id) m = o;
      }
      if (start.empty()) {
        m.erase("start");
        m.erase("deployed");  // a mission not started is not deployed either
      } else {
        m["start"] = start;
      }
      missions.push_back(std::move(m));
    }
    if (missions.empty()) {
      doc.erase("missions");
    } else {
      doc["missions"] = std::move(missions);
    }
  }
  return doc.dump();
}

std::optional<std::string> add_amendment(
    std::string_view terms, const DocumentAmendment& amendment,
    const std::vector<std::pair<std::string, std::string>>& mission_starts) {
  json doc = parse(terms);
  if (!doc.is_object()) return std::nullopt;
  json a = {{"from", amendment.from}};
  if (!amendment.size_class.empty()) a["size_class"] = amendment.size_class;
  if (!amendment.missions.empty()) a["missions"] = amendment.missions;
  if (!amendment.reason.empty()) a["reason"] = amendment.reason;
  if (!doc.contains("amendments") || !doc["amendments"].is_array())
    doc["amendments"] = json::array();
  doc["amendments"].push_back(std::move(a));
  if (!amendment.missions.empty()) {
    if (!doc.contains("missions") || !doc["missions"].is_array()) doc["missions"] = json::array();
    for (const auto& id : amendment.missions) {
      std::string start = amendment.from;
      for (const auto& [m, d] : mission_starts) {
        if (m == id && !d.empty()) start = d;
      }
      doc["missions"].push_back({{"mission", id}, {"start", start}});
    }
  }
  return doc.dump();
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
