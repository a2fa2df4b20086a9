// The member import: a HelloAsso-like export, a plain spreadsheet, bad lines named by line and
// column, duplicates within the file and against the stored members, mapping overrides.
#include "association/member_import.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace maillage::association {
namespace {

// Shaped like a HelloAsso membership export: BOM, ';', CRLF, French headers, the order columns,
// payer columns, a custom question, a quoted cell holding ';' and a line break.
const std::string kHelloAsso =
    "\xEF\xBB\xBF"
    "Référence commande;Date;Statut;Nom adhérent;Prénom adhérent;Nom payeur;Prénom payeur;Email;"
    "Tarif;Montant;Numéro RPPS;Commune d'exercice;Êtes-vous installé(e) en MSP ?\r\n"
    "1001;15/01/2025 "
    "10:32;Validé;Martin;Élodie;Martin;Élodie;Elodie.Martin@example.fr;Médecin;50,00 €;"
    "10101010101;Metz;Oui\r\n"
    "1002;16/01/2025 08:05;Validé;Pharmacie du "
    "Centre;;Durand;Paul;contact@pharma-centre.example;Pharmacie;"
    "80,00 €;;Montigny-lès-Metz;\"Non; en projet\"\r\n"
    "1003;2025-01-17;Validé;Nguyen;Lan;Nguyen;Lan;lan.nguyen@example.fr;Infirmier;\"1 "
    "200,00\";10202020202;"
    "Woippy;\"Oui\r\nMSP des Coteaux\"\r\n";

TEST(MemberImport, HelloAssoExport) {
  auto p = parse_member_csv(kHelloAsso, "adhesions.csv");
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->separator, ';');
  EXPECT_EQ(p->lines_read, 3U);
  EXPECT_TRUE(p->issues.empty()) << p->issues[0].describe("adhesions.csv");
  ASSERT_EQ(p->rows.size(), 3U);
  const auto& a = p->rows[0];
  EXPECT_EQ(a.line, 2);
  EXPECT_EQ(a.last_name, "Martin");
  EXPECT_EQ(a.first_name, "Élodie");
  EXPECT_EQ(a.email, "elodie.martin@example.fr");
  EXPECT_EQ(a.rpps, "10101010101");
  EXPECT_EQ(a.commune, "Metz");
  EXPECT_EQ(format_date(*a.date), "2025-01-15");
  EXPECT_EQ(a.tariff, "Médecin");
  EXPECT_EQ(*a.amount_cents, 5000);
  // Order and payer columns and the question stay as custom fields.
  EXPECT_NE(std::find(a.custom.begin(), a.custom.end(),
                      std::pair<std::string, std::string>{"Êtes-vous installé(e) en MSP ?", "Oui"}),
            a.custom.end());
  EXPECT_EQ(p->rows[1].custom.back().second, "Non; en projet");
  EXPECT_EQ(p->rows[2].line, 4);
  EXPECT_EQ(*p->rows[2].amount_cents, 120000);
  EXPECT_EQ(p->rows[2].custom.back().second, "Oui\r\nMSP des Coteaux");
  // The detected mapping, for the preview.
  auto header_of = [&](ImportField f) {
    for (const auto& c : p->columns) {
      if (c.field == f) return c.header;
    }
    return std::string("-");
  };
  EXPECT_EQ(header_of(ImportField::last_name), "Nom adhérent");
  EXPECT_EQ(header_of(ImportField::first_name), "Prénom adhérent");
  EXPECT_EQ(header_of(ImportField::email), "Email");
  EXPECT_EQ(header_of(ImportField::rpps), "Numéro RPPS");
  EXPECT_EQ(header_of(ImportField::commune), "Commune d'exercice");
  EXPECT_EQ(header_of(ImportField::amount), "Montant");
  EXPECT_EQ(header_of(ImportField::organisation), "-");
  EXPECT_NE(std::find(p->unmapped.begin(), p->unmapped.end(), "Nom payeur"), p->unmapped.end());
}

TEST(MemberImport, PlainSpreadsheet) {
  const std::string text =
      "nom,prenom,e-mail,rpps,profession,ville,telephone\n"
      "Bernard,Luc,luc.bernard@example.fr,10303030303,10,Metz,0600000000\n"
      "\n"
      "Petit,Anne,,,50,Thionville,\n";
  auto p = parse_member_csv(text, "liste.csv");
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->separator, ',');
  ASSERT_EQ(p->rows.size(), 2U);
  EXPECT_EQ(p->rows[0].profession, "10");
  EXPECT_EQ(p->rows[0].phone, "0600000000");
  EXPECT_EQ(p->rows[1].line, 4);  // the blank line is skipped but counted
  EXPECT_EQ(p->rows[1].commune, "Thionville");
  EXPECT_TRUE(p->rows[1].email.empty());
}

TEST(MemberImport, EveryBadLineNamedWithLineAndColumn) {
  const std::string text =
      "Nom;Prénom;Email;RPPS;Date;Montant\n"
      "Roux;Marc;marc.roux@example;10404040404;01/02/2025;30\n"  // 2: e-mail without a domain dot
      "Faure;Julie;julie@example.fr;1040404040;01/02/2025;30\n"  // 3: RPPS of 10 digits
      "Blanc;Nina;nina@example.fr;;31/02/2025;30\n"              // 4: 31 February
      "Garnier;Hugo;hugo@example.fr;;01/02/2025;trente\n"        // 5: amount
      ";Léa;lea@example.fr;;01/02/2025;30\n"                     // 6: no name
      "Morel;Eva;eva@example.fr;;01/02/2025;30;extra\n"          // 7: one cell too many
      "Lambert;Rose;rose@example.fr;;01/02/2025;1.200\n"         // 8: ambiguous amount
      "Girard;Paul;paul@example.fr;;01/02/2025;-30\n"            // 9: negative amount
      "Bonnet;Zoé;zoe@example.fr;;;\n";                          // 10: fine
  auto p = parse_member_csv(text, "adherents.csv");
  ASSERT_TRUE(p) << p.error().describe();
  std::vector<std::string> described;
  for (const auto& i : p->issues) described.push_back(i.describe("adherents.csv"));
  const std::vector<std::string> expected = {
      "adherents.csv:2: Email: adresse e-mail « marc.roux@example » invalide",
      "adherents.csv:3: RPPS: identifiant RPPS « 1040404040 » invalide : 11 chiffres attendus",
      "adherents.csv:4: Date: date « 31/02/2025 » illisible : JJ/MM/AAAA ou AAAA-MM-JJ attendu",
      "adherents.csv:5: Montant: montant « trente » illisible : un montant positif en euros est "
      "attendu (30,00)",
      "adherents.csv:6: Nom: nom manquant (ni nom ni raison sociale)",
      "adherents.csv:7: 7 cellules pour 6 colonnes d'en-tête (séparateur ou guillemet mal placé ?)",
      "adherents.csv:8: Montant: montant « 1.200 » illisible : un montant positif en euros est "
      "attendu (30,00)",
      "adherents.csv:9: Montant: montant « -30 » illisible : un montant positif en euros est "
      "attendu (30,00)",
  };
  EXPECT_EQ(described, expected);
  EXPECT_EQ(p->errors(), 8U);
  ASSERT_EQ(p->rows.size(), 1U);
  EXPECT_EQ(p->rows[0].line, 10);
}

TEST(MemberImport, AmountsAsPeopleWriteThem) {
  const std::string text =
      "Nom;Montant\nA;30\nB;30,5\nC;1 200,00 "
      "€\nD;1.200,50\nE;30.00\nF;1,234.5\nG;2.000.000\nH;12,345\n";
  auto p = parse_member_csv(text, "m.csv");
  ASSERT_TRUE(p);
  std::vector<std::int64_t> cents;
  for (const auto& r : p->rows) cents.push_back(*r.amount_cents);
  EXPECT_EQ(cents,
            (std::vector<std::int64_t>{3000, 3050, 120000, 120050, 3000, 123450, 200000000}));
  ASSERT_EQ(p->issues.size(), 1U);  // "12,345": 12,35 € or 12 345 €? refused
  EXPECT_EQ(p->issues[0].line, 9);
}

TEST(MemberImport, DatesAsPeopleWriteThem) {
  const std::string text =
      "Nom;Date\nA;15/03/2025\nB;5/3/2025\nC;15/03/2025 "
      "10:32\nD;2025-03-15T10:00:00\nE;15-03-2025\n"
      "F;15/03/25\nG;29/02/2025\n";
  auto p = parse_member_csv(text, "d.csv");
  ASSERT_TRUE(p);
  std::vector<std::string> dates;
  for (const auto& r : p->rows) dates.push_back(format_date(*r.date));
  EXPECT_EQ(dates,
            (std::vector<std::string>{"2025-03-15", "2025-03-05", "2025-03-15", "2025-03-15"}));
  std::vector<std::int64_t> bad;
  for (const auto& i : p->issues) bad.push_back(i.line);
  EXPECT_EQ(bad, (std::vector<std::int64_t>{6, 7, 8}));  // 2-digit years are refused, not guessed
}

TEST(MemberImport, DuplicatesWithinTheFileAndAgainstStoredMembers) {
  const std::string text =
      "Nom;Prénom;Email;RPPS\n"
      "Martin;Élodie;elodie.martin@example.fr;10101010101\n"
      "MARTIN;elodie;Elodie.Martin@Example.fr;\n"         // same name and e-mail as line 2
      "Martin;Paul;paul.martin@example.fr;10101010101\n"  // same RPPS as line 2
      "Durand;Alice;alice.durand@example.fr;\n"           // stored as adh-7
      "Lefebvre;Hélène;helene@example.fr;10909090909\n";  // RPPS stored as adh-9
  ImportOptions options;
  options.existing = {{"adh-7", "Durand", "Alice", "Alice.Durand@example.fr", ""},
                      {"adh-9", "Lefèvre", "Hélène", "autre@example.fr", "10909090909"}};
  auto p = parse_member_csv(text, "m.csv", options);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->rows.size(), 5U);  // duplicates are shown in the preview, not dropped
  ASSERT_EQ(p->duplicates.size(), 4U);
  EXPECT_EQ(p->duplicates[0].line, 3);
  EXPECT_EQ(p->duplicates[0].first_line, 2);
  EXPECT_EQ(p->duplicates[0].reason, DuplicateReason::same_name_and_email);
  EXPECT_EQ(p->duplicates[1].line, 4);
  EXPECT_EQ(p->duplicates[1].first_line, 2);
  EXPECT_EQ(p->duplicates[1].reason, DuplicateReason::same_rpps);
  EXPECT_EQ(p->duplicates[1].message, "RPPS 10101010101 déjà présent ligne 2");
  EXPECT_EQ(p->duplicates[2].line, 5);
  EXPECT_EQ(p->duplicates[2].existing_id, "adh-7");
  EXPECT_EQ(p->duplicates[3].line, 6);
  EXPECT_EQ(p->duplicates[3].existing_id, "adh-9");
  EXPECT_EQ(p->duplicates[3].reason, DuplicateReason::same_rpps);
}

TEST(MemberImport, MappingOverride) {
  const std::string text =
      "Nom;Email;Email payeur;Structure\nMartin;;payeur@example.fr;MSP du Lac\n";
  auto p = parse_member_csv(text, "m.csv");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->rows[0].email, "");
  EXPECT_EQ(p->rows[0].organisation, "MSP du Lac");
  ImportOptions options;
  options.mapping = {{ImportField::email, "Email payeur"}, {ImportField::commune, "Structure"}};
  p = parse_member_csv(text, "m.csv", options);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->rows[0].email, "payeur@example.fr");
  EXPECT_EQ(p->rows[0].commune, "MSP du Lac");
  EXPECT_EQ(p->rows[0].organisation, "");  // the column moved to the commune
  EXPECT_NE(std::find(p->unmapped.begin(), p->unmapped.end(), "Email"), p->unmapped.end());

  options.mapping = {{ImportField::rpps, "N° RPPS"}};
  auto bad = parse_member_csv(text, "m.csv", options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().describe(),
            "m.csv:1: RPPS: la colonne « N° RPPS » n'existe pas dans l'en-tête");
}

TEST(MemberImport, WholeFileErrors) {
  auto empty = parse_member_csv("", "vide.csv");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().file, "vide.csv");
  EXPECT_EQ(empty.error().code, ErrorCode::parse_error);
  auto no_name = parse_member_csv("Email;Montant\na@b.fr;30\n", "x.csv");
  ASSERT_FALSE(no_name);
  EXPECT_EQ(no_name.error().line, 1);
  EXPECT_NE(no_name.error().message.find("associer les colonnes à la main"), std::string::npos);
  auto quote = parse_member_csv("Nom;Email\nA;\"a@b.fr\nB;b@c.fr\n", "q.csv");
  ASSERT_FALSE(quote);
  EXPECT_EQ(quote.error().describe(), "q.csv:2: guillemet ouvert et jamais refermé");
  auto latin1 = parse_member_csv("Nom;Prénom\nDupont;Ren\xE9\n", "l.csv");
  ASSERT_TRUE(latin1);  // a Latin-1 cell is the line's problem, the header being UTF-8
  ASSERT_EQ(latin1->issues.size(), 1U);
  EXPECT_EQ(latin1->issues[0].describe("l.csv"),
            "l.csv:2: Prénom: texte illisible (octet nul ou encodage autre que UTF-8)");
  auto latin1_header = parse_member_csv("Nom;Pr\xE9nom\nDupont;Ren\xE9\n", "l.csv");
  ASSERT_FALSE(latin1_header);
  EXPECT_EQ(latin1_header.error().field, "colonne 2");
}

}  // namespace
}  // namespace maillage::association
