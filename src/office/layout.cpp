#include "office/layout.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

#include "office/timestamp.hpp"
#include "office/xml_text.hpp"

namespace maillage::office::detail {

namespace {

std::uint32_t big_endian32(std::string_view s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

tl::unexpected<Error> invalid(const std::string& message, const std::string& field) {
  return fail(ErrorCode::invalid_input, message + " en " + field + ".", field);
}

}  // namespace

Result<std::string> creation_time(const Document& document) {
  if (document.created.empty()) return now_utc();
  if (!valid_utc_timestamp(document.created)) {
    return fail(ErrorCode::invalid_input,
                "Date de création invalide (attendu AAAA-MM-JJTHH:MM:SSZ) : « " +
                    clean_text(document.created) + " ».",
                "created");
  }
  return document.created;
}

Result<PngSize> png_size(std::string_view png) {
  static constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);
  // Signature (8), then the first chunk: length 13, type IHDR, width, height.
  if (png.size() < 33 || png.substr(0, 8) != kSignature || big_endian32(png, 8) != 13 ||
      png.substr(12, 4) != "IHDR") {
    return fail(ErrorCode::invalid_input, "Ce n'est pas une image PNG.");
  }
  const PngSize size{big_endian32(png, 16), big_endian32(png, 20)};
  if (size.width == 0 || size.height == 0 || size.width > 0x7FFFFFFFu ||
      size.height > 0x7FFFFFFFu) {
    return fail(ErrorCode::invalid_input, "Dimensions de l'image PNG invalides.");
  }
  return size;
}

std::size_t column_count(const Table& table) {
  std::size_t columns = table.header.size();
  for (const auto& row : table.rows) columns = std::max(columns, row.size());
  return columns;
}

std::vector<double> column_weights(const Table& table, std::size_t columns) {
  std::vector<double> weights(columns, 1.0);
  if (!table.column_widths.empty()) {
    for (std::size_t c = 0; c < columns && c < table.column_widths.size(); ++c) {
      weights[c] = table.column_widths[c];
    }
  }
  double total = 0;
  for (const double w : weights) total += w;
  for (double& w : weights) w /= total;
  return weights;
}

ImageBox image_box(const Image& image) {
  ImageBox box{image.width_cm, image.height_cm};
  if (box.height_cm == 0) {
    const auto size = png_size(image.png);
    if (size) box.height_cm = image.width_cm * size->height / size->width;
  }
  return box;
}

Status check_blocks(const Document& document) {
  for (std::size_t i = 0; i < document.blocks.size(); ++i) {
    const std::string field = "blocks[" + std::to_string(i) + "]";
    const Block& block = document.blocks[i];
    if (const auto* h = std::get_if<Heading>(&block)) {
      if (h->level < 1 || h->level > 3) {
        return invalid("Niveau de titre " + std::to_string(h->level) + " invalide (1 à 3)", field);
      }
    } else if (const auto* t = std::get_if<Table>(&block)) {
      const std::size_t columns = column_count(*t);
      if (columns == 0) return invalid("Tableau sans aucune colonne", field);
      if (!t->column_widths.empty()) {
        for (std::size_t c = 0; c < columns && c < t->column_widths.size(); ++c) {
          const double w = t->column_widths[c];
          if (!std::isfinite(w) || w <= 0) {
            return invalid("Largeur de colonne invalide (doit être positive)", field);
          }
        }
      }
    } else if (const auto* toc = std::get_if<TableOfContents>(&block)) {
      if (toc->levels < 1 || toc->levels > 3) {
        return invalid("Niveaux de la table des matières invalides (" +
                           std::to_string(toc->levels) + ", attendu 1 à 3)",
                       field);
      }
    } else if (const auto* image = std::get_if<Image>(&block)) {
      const auto size = png_size(image->png);
      if (!size) return invalid("Image invalide (pas un fichier PNG lisible)", field);
      if (!std::isfinite(image->width_cm) || image->width_cm <= 0 ||
          image->width_cm > kTextWidthCm + 1e-9) {
        return invalid("Largeur d'image invalide (" + decimal(image->width_cm) +
                           " cm ; attendu plus de 0 et au plus " + decimal(kTextWidthCm) + " cm)",
                       field);
      }
      if (!std::isfinite(image->height_cm) || image->height_cm < 0) {
        return invalid("Hauteur d'image invalide (" + decimal(image->height_cm) + " cm)", field);
      }
      const ImageBox box = image_box(*image);
      if (box.height_cm > kTextHeightCm + 1e-9) {
        return invalid("Image trop haute pour la page (" + decimal(box.height_cm, 1) +
                           " cm ; au plus " + decimal(kTextHeightCm) + " cm)",
                       field);
      }
    }
  }
  return {};
}

std::vector<const Heading*> contents_entries(const Document& document, int levels) {
  std::vector<const Heading*> out;
  for (const Block& block : document.blocks) {
    if (const auto* h = std::get_if<Heading>(&block); h != nullptr && h->level <= levels) {
      out.push_back(h);
    }
  }
  return out;
}

const std::string& image_alt(const Image& image) {
  return image.alt.empty() ? image.caption : image.alt;
}

std::string decimal(double v, int decimals) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
  // to_chars ignores the C locale, which could otherwise turn the decimal point into a comma.
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  if (r.ec != std::errc{}) r = std::to_chars(buf, buf + sizeof buf, v);  // huge: 1e+300
  std::string s(buf, r.ptr);
  if (s.find('.') != std::string::npos && s.find('e') == std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace maillage::office::detail
