#include "rpps/snapshot.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace maillage::rpps {

std::uint32_t StringPool::intern(std::string_view s) {
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  const std::string& stored = storage_.emplace_back(s);
  auto id = static_cast<std::uint32_t>(strings_.size());
  strings_.push_back(&stored);
  ids_.emplace(std::string_view(stored), id);
  return id;
}

bool is_ambulatory(std::string_view mode_code, std::string_view secteur_code) {
  return mode_code == "L" || secteur_code == "SA05" || secteur_code == "SA07" ||
         secteur_code == "SA08" || secteur_code == "SA09";
}

void SnapshotBuilder::add(const Activity& a) {
  Record r;
  r.rpps = pool_.intern(a.rpps);
  r.profession = pool_.intern(a.profession_code);
  r.savoir_faire = pool_.intern(a.savoir_faire_code);
  r.mode = pool_.intern(a.mode_code);
  r.secteur = pool_.intern(a.secteur_code);
  r.commune = pool_.intern(a.commune);
  r.site = pool_.intern(a.site);
  r.siret = pool_.intern(a.siret);
  r.finess = pool_.intern(a.finess);
  r.from_postcode = a.commune_from_postcode;
  r.general_practitioner = is_general_practitioner(a.profession_code, a.savoir_faire_code);
  r.ambulatory = is_ambulatory(a.mode_code, a.secteur_code);
  r.line = a.line;
  records_.push_back(r);
  // Labels: first seen per code; the key is prefixed so the two code lists cannot collide.
  auto remember = [this](char kind, std::string_view code, std::string_view label,
                         std::vector<std::pair<std::string, std::string>>& out) {
    if (code.empty()) return;
    std::string key(1, kind);
    key.append(code);
    if (label_seen_.contains(key)) return;
    label_seen_.emplace(std::move(key), out.size());
    out.emplace_back(std::string(code), std::string(label));
  };
  remember('p', a.profession_code, a.profession_label, profession_labels_);
  remember('s', a.savoir_faire_code, a.savoir_faire_label, savoir_faire_labels_);
}

void SnapshotBuilder::finish() {
  // Person, profession, site together; within a site the general-practice line first, then
  // file order, so that unique() keeps the line the rule says.
  std::sort(records_.begin(), records_.end(), [](const Record& x, const Record& y) {
    return std::tie(x.rpps, x.profession, x.site, y.general_practitioner, x.line) <
           std::tie(y.rpps, y.profession, y.site, x.general_practitioner, y.line);
  });
  const std::size_t before = records_.size();
  records_.erase(std::unique(records_.begin(), records_.end(),
                             [](const Record& x, const Record& y) {
                               return x.rpps == y.rpps && x.profession == y.profession &&
                                      x.site == y.site;
                             }),
                 records_.end());
  duplicates_ = static_cast<std::int64_t>(before - records_.size());

  // FTE: 1 / number of the person's sites for the profession (records are grouped).
  persons_ = 0;
  std::uint32_t last_person = UINT32_MAX;
  for (std::size_t i = 0; i < records_.size();) {
    std::size_t j = i;
    while (j < records_.size() && records_[j].rpps == records_[i].rpps &&
           records_[j].profession == records_[i].profession) {
      ++j;
    }
    const double share = 1.0 / static_cast<double>(j - i);
    for (std::size_t k = i; k < j; ++k) records_[k].fte = share;
    if (records_[i].rpps != last_person) ++persons_;
    last_person = records_[i].rpps;
    i = j;
  }

  // Aggregates per commune × profession × savoir-faire × field. `persons` counts a person once
  // per group even with several sites in the same commune.
  using Key = std::tuple<std::string_view, std::string_view, std::string_view, bool>;
  struct Acc {
    std::int64_t activities = 0;
    std::int64_t persons = 0;
    double fte = 0;
    std::uint32_t last_rpps = UINT32_MAX;
  };
  std::map<Key, Acc> groups;
  // Records are sorted by person, so the same person's lines for a group are consecutive only
  // within (person, profession); `last_rpps` therefore detects repeats correctly.
  for (const Record& r : records_) {
    Acc& acc = groups[Key{pool_.at(r.commune), pool_.at(r.profession), pool_.at(r.savoir_faire),
                          r.ambulatory}];
    ++acc.activities;
    acc.fte += r.fte;
    if (acc.last_rpps != r.rpps) {
      ++acc.persons;
      acc.last_rpps = r.rpps;
    }
  }
  counts_.clear();
  counts_.reserve(groups.size());
  for (const auto& [key, acc] : groups) {
    counts_.push_back(CommuneCount{std::string(std::get<0>(key)), std::string(std::get<1>(key)),
                                   std::string(std::get<2>(key)), std::get<3>(key), acc.activities,
                                   acc.persons, acc.fte});
  }
}

}  // namespace maillage::rpps
