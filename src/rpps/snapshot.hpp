// A snapshot of the RPPS extract in memory: the activities kept by the reader, deduplicated per
// site, with each person's full-time equivalents split across their sites, and the per-commune
// aggregates the diagnostic reads.
//
// Counting rule (documented in README.md):
//  * presence: a professional counts ONCE PER SITE. Several lines of the same person, same
//    profession, same site (the extract repeats a site per savoir-faire or per role) are one
//    activity; the kept line is a general-practice one when there is one (SM26/SM53/SM54), else
//    the first in file order.
//  * full-time equivalents: a person with n distinct sites for a profession gets 1/n FTE at each,
//    so the person adds exactly 1 FTE to the profession's total wherever the sites are.
//  * a site is the technical structure id, else the SIRET, else the FINESS, else the commune
//    (extract.hpp, Activity::site).
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "rpps/extract.hpp"

namespace maillage::rpps {

// Interned strings: records hold 32-bit ids, so a national extract (2 million lines) stays
// around 100 MB in memory.
class StringPool {
 public:
  std::uint32_t intern(std::string_view s);
  [[nodiscard]] std::string_view at(std::uint32_t id) const { return *strings_[id]; }
  [[nodiscard]] std::size_t size() const { return strings_.size(); }

 private:
  std::deque<std::string> storage_;
  std::vector<const std::string*> strings_;
  std::unordered_map<std::string_view, std::uint32_t> ids_;
};

struct Record {
  std::uint32_t rpps = 0, profession = 0, savoir_faire = 0, mode = 0, secteur = 0, commune = 0,
                site = 0, siret = 0, finess = 0;
  bool from_postcode = false;
  bool general_practitioner = false;
  bool ambulatory = false;
  std::int64_t line = 0;
  double fte = 0;
};

// Office-based care ("soins de ville", the field of the APL): libéral mode, or a site whose
// secteur d'activité is a centre de santé (SA05) or a practice (SA07 cabinet individuel, SA08
// cabinet de groupe, SA09 société d'exercice). Hospital and other salaried work is kept but
// flagged out of this field.
bool is_ambulatory(std::string_view mode_code, std::string_view secteur_code);

struct CommuneCount {
  std::string commune;
  std::string profession;
  std::string savoir_faire;
  bool ambulatory = false;
  std::int64_t activities = 0;  // presence: one per person and site
  std::int64_t persons = 0;     // distinct people with at least one site here
  double fte = 0;               // sum of 1/(number of the person's sites)
};

class SnapshotBuilder {
 public:
  // Keeps one reader activity (copies what it needs: the views die after the callback).
  void add(const Activity& a);
  // Deduplicates per site, sets the FTE of every record and computes the aggregates. Call once.
  void finish();

  [[nodiscard]] const std::vector<Record>& records() const { return records_; }
  [[nodiscard]] const StringPool& strings() const { return pool_; }
  [[nodiscard]] std::string_view text(std::uint32_t id) const { return pool_.at(id); }
  [[nodiscard]] const std::vector<CommuneCount>& commune_counts() const { return counts_; }
  [[nodiscard]] std::int64_t persons() const { return persons_; }
  [[nodiscard]] std::int64_t duplicates() const { return duplicates_; }
  // Labels seen in the file, first one per code (profession and savoir-faire).
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& profession_labels() const {
    return profession_labels_;
  }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& savoir_faire_labels()
      const {
    return savoir_faire_labels_;
  }

 private:
  StringPool pool_;
  std::vector<Record> records_;
  std::vector<CommuneCount> counts_;
  std::int64_t persons_ = 0;
  std::int64_t duplicates_ = 0;
  std::unordered_map<std::string, std::size_t> label_seen_;
  std::vector<std::pair<std::string, std::string>> profession_labels_;
  std::vector<std::pair<std::string, std::string>> savoir_faire_labels_;
};

}  // namespace maillage::rpps
