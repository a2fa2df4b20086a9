// Member import: the engine reads the CSV or XLSX (association/member_import.hpp) and reports bad
// lines and
// duplicates; here each good line becomes a member (profession name → RPPS code, legal persons
// recognised, collège from the statuts), lines that cannot become one are named with their line
// and field, and the confirmation writes the remaining lines in one transaction.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "association/member_import.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "geo/text.hpp"
#include "office/xlsx.hpp"
#include "services/association.hpp"
#include "services/association_internal.hpp"
#include "services/association_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;

namespace {

constexpr std::size_t kMaxImportBytes = std::size_t{4} << 20;

// RPPS profession code from what a spreadsheet says ("Infirmière", "kiné", "60").
std::string profession_code(const std::string& text) {
  if (text.empty()) return {};
  if (text.find_first_not_of("0123456789") == std::string::npos) return text;
  const std::string f = geo::fold_name(text);
  struct Stem {
    const char* stem;
    const char* code;
  };
  static constexpr Stem kStems[] = {
      {"medecin", "10"},   {"generaliste", "10"}, {"pharmacien", "21"}, {"chirurgien", "40"},
      {"dentiste", "40"},  {"sage", "50"},        {"infirm", "60"},     {"idel", "60"},
      {"masseur", "70"},   {"kine", "70"},        {"pedicure", "80"},   {"podolog", "80"},
      {"orthophon", "91"}, {"orthopt", "92"},
  };
  for (const auto& s : kStems) {
    if (f.rfind(s.stem, 0) == 0) return s.code;
  }
  return "?";
}

std::string legal_kind_of(const std::string& organisation) {
  const std::string f = geo::fold_name(organisation);
  if (f.find("pharmacie") != std::string::npos) return "pharmacie";
  if (f.find("ehpad") != std::string::npos) return "ehpad";
  if (f.find("laboratoire") != std::string::npos) return "laboratoire";
  if (f.find("centre de sante") != std::string::npos) return "centre_de_sante";
  if (f.find("hopital") != std::string::npos || f.find("clinique") != std::string::npos ||
      f.find("centre hospitalier") != std::string::npos) {
    return "etablissement";
  }
  return "autre";
}

// The API's field names for the engine's fields ("last_name" …) and back.
std::optional<association::ImportField> field_of(const std::string& key) {
  for (int i = 0; i < static_cast<int>(association::ImportField::count_); ++i) {
    const auto f = static_cast<association::ImportField>(i);
    if (association::field_key(f) == key) return f;
  }
  return std::nullopt;
}

struct Built {
  association::ImportPreview preview;
  std::vector<std::pair<ImportLine, MemberInput>> members;  // importable lines
  std::vector<ImportIssueView> issues;
  std::vector<std::string> headers;
  StatutsInput statuts;  // for the collèges' names in the history
};

Result<Built> build(store::Database& db, const geo::Referentiel& ref, std::int64_t structure_id,
                    const ImportRequest& in) {
  if (in.content.size() > kMaxImportBytes) {
    return fail(ErrorCode::body_too_large, "Fichier trop volumineux (4 Mo au plus).", "contenu");
  }
  const AssociationRepository repo(db);
  auto stored = MAILLAGE_TRY(repo.statuts(structure_id));
  if (!stored) {
    return fail(ErrorCode::invalid_transition,
                "Saisissez d'abord les statuts (collèges et règle de placement).", "statuts");
  }
  const association::Statuts statuts = assoc::to_engine(stored->statuts);
  association::ImportOptions options;
  for (const auto& [key, header] : in.mapping) {
    auto f = field_of(key);
    if (!f) {
      return fail(ErrorCode::invalid_input, fmt::format("Champ inconnu : {}", key),
                  "correspondance");
    }
    if (!header.empty()) options.mapping.emplace_back(*f, header);
  }
  for (const auto& m : MAILLAGE_TRY(repo.members(structure_id))) {
    options.existing.push_back(
        {std::to_string(m.id), m.data.last_name, m.data.first_name, m.data.email, m.data.rpps});
  }
  const bool xlsx = is_xlsx_import(in);
  const std::string file =
      !in.file_name.empty() ? in.file_name : (xlsx ? "membres.xlsx" : "membres.csv");
  Built out;
  out.statuts = stored->statuts;
  out.preview = MAILLAGE_TRY(xlsx ? association::parse_member_xlsx(in.content, file, options)
                                  : association::parse_member_csv(in.content, file, options));
  for (const auto& c : out.preview.columns) out.headers.push_back(c.header);
  for (const auto& h : out.preview.unmapped) out.headers.push_back(h);
  for (const auto& i : out.preview.issues) {
    out.issues.push_back({i.line, i.field, i.value, i.message,
                          i.severity == association::IssueSeverity::error, i.column});
  }
  auto header_of = [&](association::ImportField f) {
    for (const auto& c : out.preview.columns) {
      if (c.field == f) return c.header;
    }
    return std::string(association::field_label(f));
  };
  // The spreadsheet column of a field, for the issues raised here.
  auto letters_of = [&](association::ImportField f) {
    if (!xlsx) return std::string();
    for (const auto& c : out.preview.columns) {
      if (c.field == f) return office::column_letters(c.column);
    }
    return std::string();
  };
  for (const auto& row : out.preview.rows) {
    MemberInput m;
    if (row.last_name.empty() && !row.organisation.empty()) {
      m.kind = "legal_person";
      m.organisation = row.organisation;
      m.legal_kind = legal_kind_of(row.organisation);
      m.representative = row.first_name;
    } else {
      m.kind = "person";
      m.last_name = row.last_name;
      m.first_name = row.first_name;
      m.profession = profession_code(row.profession);
      if (m.profession == "?") {
        out.issues.push_back({row.line, header_of(association::ImportField::profession),
                              row.profession,
                              "Profession non reconnue (médecin, infirmier, kinésithérapeute, "
                              "pharmacien… ou code profession RPPS).",
                              true, letters_of(association::ImportField::profession)});
        continue;
      }
    }
    m.rpps = row.rpps;
    m.email = row.email;
    m.phone = row.phone;
    if (!row.commune.empty()) {
      if (ref.commune(row.commune) != nullptr) {
        m.commune = row.commune;
      } else {
        // A commune name rather than its INSEE code: found when unambiguous.
        const std::string folded = geo::fold_name(row.commune);
        const geo::Commune* found = nullptr;
        int matches = 0;
        for (const auto& c : ref.communes) {
          if (!c.arrondissement && geo::fold_name(c.nom) == folded) {
            found = &c;
            ++matches;
          }
        }
        if (matches != 1) {
          out.issues.push_back({row.line, header_of(association::ImportField::commune), row.commune,
                                matches == 0 ? "Commune inconnue (nom ou code INSEE)."
                                             : "Plusieurs communes portent ce nom : donnez le "
                                               "code INSEE.",
                                true, letters_of(association::ImportField::commune)});
          continue;
        }
        m.commune = found->code;
      }
    }
    if (row.date) m.joined = format_date(*row.date);
    if (m.kind == "legal_person" && m.representative.empty()) {
      out.issues.push_back({row.line, header_of(association::ImportField::first_name), "",
                            "Personne morale sans représentant : indiquez son nom dans la colonne "
                            "du prénom.",
                            true, letters_of(association::ImportField::first_name)});
      continue;
    }
    if (auto st = assoc::normalise_member(statuts, ref, m); !st) {
      out.issues.push_back({row.line, st.error().field, "", st.error().message, true, ""});
      continue;
    }
    ImportLine line;
    line.line = row.line;
    line.display_name = assoc::display_name(m);
    line.kind = m.kind;
    line.profession = m.kind == "legal_person" ? m.legal_kind : m.profession;
    line.profession_label = m.kind == "legal_person"
                                ? association_label(association_legal_kinds(), m.legal_kind)
                                : association_label(association_professions(), m.profession);
    line.college = m.college;
    if (const auto* c = statuts.find_college(m.college)) line.college_name = c->name;
    line.email = m.email;
    if (const auto* c = ref.commune(m.commune)) line.commune = c->nom;
    line.joined = m.joined;
    for (const auto& d : out.preview.duplicates) {
      if (d.line == row.line) {
        line.duplicate = true;
        line.duplicate_message = d.message;
      }
    }
    out.members.emplace_back(std::move(line), std::move(m));
  }
  std::sort(out.issues.begin(), out.issues.end(),
            [](const ImportIssueView& a, const ImportIssueView& b) { return a.line < b.line; });
  return out;
}

}  // namespace

bool is_xlsx_import(const ImportRequest& in) {
  std::string name = in.file_name;
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name.ends_with(".xlsx") || in.content.starts_with("PK\x03\x04");
}

Result<ImportPreviewView> Association::preview_import(const Principal& who,
                                                      std::int64_t structure_id,
                                                      const ImportRequest& in) const {
  if (MAILLAGE_TRY(access(who, structure_id)) != AssociationAccess::manage) {
    return fail(ErrorCode::forbidden,
                "Seuls la coordination et le bureau de l'association importent des membres.");
  }
  Built b = MAILLAGE_TRY(build(*db_, *ref_, structure_id, in));
  ImportPreviewView out;
  for (const auto& c : b.preview.columns) {
    out.columns.push_back({std::string(association::field_key(c.field)),
                           std::string(association::field_label(c.field)), c.header});
  }
  out.unmapped = b.preview.unmapped;
  out.headers = std::move(b.headers);
  const std::set<std::int64_t> skip(in.skip_lines.begin(), in.skip_lines.end());
  for (auto& [line, member] : b.members) {
    if (!skip.count(line.line)) ++out.to_import;
    out.lines.push_back(std::move(line));
  }
  out.issues = std::move(b.issues);
  out.lines_read = b.preview.lines_read;
  return out;
}

Result<ImportResult> Association::confirm_import(const Principal& who, std::int64_t structure_id,
                                                 const ImportRequest& in) {
  if (MAILLAGE_TRY(access(who, structure_id)) != AssociationAccess::manage) {
    return fail(ErrorCode::forbidden,
                "Seuls la coordination et le bureau de l'association importent des membres.");
  }
  Built b = MAILLAGE_TRY(build(*db_, *ref_, structure_id, in));
  const std::set<std::int64_t> skip(in.skip_lines.begin(), in.skip_lines.end());
  ImportResult out;
  out.rejected = b.preview.lines_read - b.members.size();
  const std::string at = store::timestamp_now();
  const std::string file =
      !in.file_name.empty() ? in.file_name : (is_xlsx_import(in) ? "membres.xlsx" : "membres.csv");
  const Status written = db_->transact([&](Tx& tx) -> Status {
    out.imported = 0;
    out.skipped = 0;
    for (const auto& [line, member] : b.members) {
      if (skip.count(line.line)) {
        ++out.skipped;
        continue;
      }
      const std::int64_t id = MAILLAGE_TRY(
          AssociationRepository::insert_member(tx, structure_id, member, who.login, at));
      MAILLAGE_CHECK(AssociationRepository::add_history(
          tx, id, structure_id, at, who.login, "import",
          fmt::format("Importé de {} (ligne {}), collège « {} »", file, line.line,
                      assoc::college_name(b.statuts, member.college))));
      ++out.imported;
    }
    if (out.imported == 0) {
      return fail(ErrorCode::invalid_input, "Aucune ligne à importer.", "contenu");
    }
    return store::audit(
        tx, {who.login, "association.member.import", "structure", std::to_string(structure_id), "",
             AuditDetail{}
                 .add("file", file)
                 .add("imported", out.imported)
                 .add("skipped", out.skipped)
                 .add("rejected", out.rejected)
                 .json()});
  });
  if (!written) return tl::unexpected(written.error());
  return out;
}

}  // namespace maillage::services
