// The member import from XLSX: a workbook written by a real spreadsheet library (openpyxl), a
// package built part by part like a HelloAsso export (shared strings, rich text, a bare serial
// date, sparse cells, a namespace prefix, the first sheet not being sheet1.xml), one written by
// our own XLSX writer, and the serial date arithmetic. The fixtures and the script that wrote
// them are in tests/association/xlsx/.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "association/member_import.hpp"
#include "office/xlsx.hpp"
#include "office/xlsx_reader.hpp"

namespace maillage::association {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(
      std::filesystem::path(MAILLAGE_SOURCE_DIR) / "tests" / "association" / "xlsx" / name,
      std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string custom(const ImportedMember& m, const std::string& header) {
  for (const auto& [h, v] : m.custom) {
    if (h == header) return v;
  }
  return "-";
}

const ImportIssue* issue_at(const ImportPreview& p, std::int64_t line, const std::string& column) {
  for (const auto& i : p.issues) {
    if (i.line == line && i.column == column) return &i;
  }
  return nullptr;
}

TEST(MemberImportXlsx, OpenpyxlWorkbook) {
  const std::string bytes = fixture("openpyxl_export.xlsx");
  ASSERT_GT(bytes.size(), 1000U);
  auto p = parse_member_xlsx(bytes, "adhesions.xlsx");
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->sheet, "Adhérents");
  EXPECT_EQ(p->lines_read, 4U);  // the empty row 5 is not a line
  ASSERT_EQ(p->rows.size(), 2U);
  const auto& a = p->rows[0];
  EXPECT_EQ(a.line, 2);
  EXPECT_EQ(a.last_name, "Martin");
  EXPECT_EQ(a.first_name, "Élodie");
  EXPECT_EQ(format_date(*a.date), "2025-01-15");  // a date-formatted cell
  EXPECT_EQ(*a.amount_cents, 5000);               // the number 50
  EXPECT_EQ(a.rpps, "10101010101");               // a number, no "1.01e10"
  EXPECT_EQ(a.profession, "Médecin");
  EXPECT_EQ(custom(a, "Numéro de reçu"), "R-2025-001");
  EXPECT_EQ(custom(a, "Statut"), "Validé");
  const auto& b = p->rows[1];
  EXPECT_EQ(b.line, 3);
  EXPECT_EQ(format_date(*b.date), "2025-02-03");  // date and time of day
  EXPECT_EQ(*b.amount_cents, 4550);
  EXPECT_TRUE(b.rpps.empty());
  // Bad lines named by sheet row, header and column letter.
  const auto* email = issue_at(*p, 4, "C");
  ASSERT_NE(email, nullptr);
  EXPECT_EQ(email->describe("adhesions.xlsx"),
            "adhesions.xlsx:4: Email (colonne C): adresse e-mail « pas-une-adresse » invalide");
  const auto* date = issue_at(*p, 6, "D");
  ASSERT_NE(date, nullptr);
  EXPECT_NE(date->message.find("« hier »"), std::string::npos);
  ASSERT_NE(issue_at(*p, 6, "E"), nullptr);  // -5 €
  const auto* rpps = issue_at(*p, 6, "I");
  ASSERT_NE(rpps, nullptr);
  EXPECT_EQ(rpps->field, "Numéro RPPS");
  EXPECT_NE(rpps->message.find("« 1234 »"), std::string::npos);
}

TEST(MemberImportXlsx, HandBuiltHelloAssoPackage) {
  auto p = parse_member_xlsx(fixture("helloasso_hand.xlsx"), "export.xlsx");
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->sheet, "Adhésions");  // first in workbook order, not sheet part order
  EXPECT_EQ(p->lines_read, 3U);
  ASSERT_EQ(p->rows.size(), 2U);
  const auto& a = p->rows[0];
  EXPECT_EQ(a.last_name, "Martin");
  EXPECT_EQ(a.email, "elodie.martin@example.fr");
  // 45672 without a date style, in the "Date" column: 15 January 2025.
  EXPECT_EQ(format_date(*a.date), "2025-01-15");
  EXPECT_EQ(*a.amount_cents, 5000);
  EXPECT_EQ(custom(a, "Numéro de reçu"), "R-2025-0001");  // inline string
  EXPECT_EQ(custom(a, "Référence commande"), "1001");     // a number kept as text
  const auto& b = p->rows[1];
  EXPECT_EQ(b.line, 3);
  EXPECT_TRUE(b.first_name.empty());  // F3 missing: empty, G3 still the e-mail
  EXPECT_EQ(b.email, "contact@pharma-centre.example");
  EXPECT_EQ(format_date(*b.date), "2025-01-16");
  EXPECT_EQ(*b.amount_cents, 8050);
  // Row 5 (row 4 absent): rich text "Gar"+"cia", the phonetic run left out, and the cached text
  // of a formula in the amount column.
  ASSERT_EQ(p->issues.size(), 1U);
  EXPECT_EQ(p->issues[0].line, 5);
  EXPECT_EQ(p->issues[0].column, "C");
  EXPECT_EQ(p->issues[0].value, "trente");
  auto again = parse_member_xlsx(fixture("helloasso_hand.xlsx"), "export.xlsx",
                                 {{{ImportField::last_name, "Prénom"}}, {}});
  ASSERT_TRUE(again);
  ASSERT_EQ(again->rows.size(), 1U);  // row 3 has no name in "Prénom" now
  EXPECT_EQ(again->rows[0].last_name, "Élodie");
}

TEST(MemberImportXlsx, OwnWriterRoundTrip) {
  office::Sheet sheet;
  sheet.name = "Membres";
  sheet.header = {"Nom", "Prénom", "Email", "Date", "Montant", "Statut", "Numéro de reçu"};
  sheet.rows = {{"Petit", "Hugo", "hugo.petit@example.fr", office::Date{2024, 12, 31}, 1200.5,
                 "Validé", "R1"},
                {"Lefèvre", "Anne", "anne@example.fr", office::Date{2025, 2, 28}, std::int64_t{30},
                 "Validé", "R2"}};
  auto bytes = office::write_xlsx({sheet}, {"Export", "Maillage", "2025-01-01T00:00:00Z"});
  ASSERT_TRUE(bytes) << bytes.error().describe();
  auto p = parse_member_xlsx(*bytes, "m.xlsx");
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->sheet, "Membres");
  ASSERT_EQ(p->rows.size(), 2U);
  EXPECT_TRUE(p->issues.empty());
  EXPECT_EQ(format_date(*p->rows[0].date), "2024-12-31");
  EXPECT_EQ(*p->rows[0].amount_cents, 120050);
  EXPECT_EQ(p->rows[1].last_name, "Lefèvre");
  EXPECT_EQ(format_date(*p->rows[1].date), "2025-02-28");
  EXPECT_EQ(*p->rows[1].amount_cents, 3000);
}

TEST(MemberImportXlsx, WholeFileErrorsNameTheFile) {
  auto not_zip = parse_member_xlsx("Nom;Prénom\n", "membres.xlsx");
  ASSERT_FALSE(not_zip);
  EXPECT_EQ(not_zip.error().describe(), "membres.xlsx: ce fichier n'est pas un classeur XLSX");
  auto xls = parse_member_xlsx(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), "vieux.xlsx");
  ASSERT_FALSE(xls);
  EXPECT_NE(xls.error().message.find(".xls"), std::string::npos);
  const std::string good = fixture("helloasso_hand.xlsx");
  auto cut = parse_member_xlsx(good.substr(0, good.size() / 2), "coupe.xlsx");
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().file, "coupe.xlsx");
  // A sheet without a name column: the header row is named.
  office::Sheet sheet;
  sheet.header = {"Date", "Montant"};
  sheet.rows = {{office::Date{2025, 1, 2}, 30.0}};
  auto bytes = office::write_xlsx({sheet}, {"", "Maillage", "2025-01-01T00:00:00Z"});
  ASSERT_TRUE(bytes);
  auto no_name = parse_member_xlsx(*bytes, "sans_nom.xlsx");
  ASSERT_FALSE(no_name);
  EXPECT_EQ(no_name.error().file, "sans_nom.xlsx");
  EXPECT_EQ(no_name.error().line, 1);
}

TEST(XlsxSerialDates, BothSystemsAndTheLotusDay) {
  auto ymd = [](double serial, bool d1904) {
    auto d = office::serial_to_date(serial, d1904);
    return d ? std::to_string(d->year) + "-" + std::to_string(d->month) + "-" +
                   std::to_string(d->day)
             : std::string("none");
  };
  EXPECT_EQ(ymd(1, false), "1900-1-1");
  EXPECT_EQ(ymd(59, false), "1900-2-28");
  EXPECT_EQ(ymd(60, false), "none");  // 29/02/1900 does not exist
  EXPECT_EQ(ymd(61, false), "1900-3-1");
  EXPECT_EQ(ymd(45672, false), "2025-1-15");
  EXPECT_EQ(ymd(45672.99, false), "2025-1-15");
  EXPECT_EQ(ymd(0, true), "1904-1-1");
  EXPECT_EQ(ymd(44210, true), "2025-1-15");  // 45672 − 1462
  EXPECT_EQ(ymd(0, false), "none");
  EXPECT_EQ(ymd(-1, false), "none");
  EXPECT_EQ(ymd(2958465, false), "9999-12-31");
  EXPECT_EQ(ymd(2958466, false), "none");
}

}  // namespace
}  // namespace maillage::association
