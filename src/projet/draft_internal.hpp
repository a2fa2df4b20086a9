// Shared by the files that write the draft's data blocks (draft.cpp, draft_association.cpp): the
// source line under each figure, French dates and counts, and the blocks kept outside draft.cpp.
#pragma once

#include <string>
#include <vector>

#include "office/document.hpp"
#include "projet/draft.hpp"

namespace maillage::projet::detail {

/// "Source : <text>", "Source : " in bold.
office::Paragraph source_line(const std::string& text);
/// A paragraph all in bold.
office::Paragraph bold(std::string text);
/// "2026-12-07" → "7 décembre 2026"; other text unchanged.
std::string shown_date(const std::string& iso);
/// The RPPS extract as cited under a figure.
std::string rpps_cite(const ProjetFacts& f);
/// Whole numbers without decimals ("12"), others with one ("3,5").
std::string count_text(double v);

using Blocks = std::vector<office::Block>;

/// `evolution`: per profession, the count at the previous RPPS snapshot, now, arrivals, departures.
Blocks evolution_blocks(const ProjetFacts& f);
/// `gouvernance`: the statuts (weighting, period), the collèges, the bureau.
Blocks gouvernance_blocks(const ProjetFacts& f);
/// `membres`: active members by profession, with the share of the territory's professionals.
Blocks membres_blocks(const ProjetFacts& f);
/// `groupes_de_travail`: each working group, its mission, pilots, members and meetings.
Blocks groupes_blocks(const ProjetFacts& f);
/// `annexe_membres`: the list of active members (name, profession, commune, collège).
Blocks annexe_membres_blocks(const ProjetFacts& f);

}  // namespace maillage::projet::detail
