#include "common/uploads.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace maillage {

namespace {

constexpr std::array kTypes{
    UploadType{"application/pdf", "PDF"},
    UploadType{"image/png", "PNG"},
    UploadType{"image/jpeg", "JPEG"},
    UploadType{"text/csv", "CSV"},
    UploadType{"text/plain", "texte"},
    UploadType{"application/vnd.oasis.opendocument.text", "ODT"},
    UploadType{"application/vnd.oasis.opendocument.spreadsheet", "ODS"},
    UploadType{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"},
    UploadType{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"},
    UploadType{"application/msword", "DOC"},
    UploadType{"application/vnd.ms-excel", "XLS"},
};

bool starts_with(std::string_view bytes, std::string_view prefix) {
  return bytes.substr(0, prefix.size()) == prefix;
}

// Markup a browser could render as a document of the site if it ever ignored the headers.
bool looks_like_markup(std::string_view text) {
  if (starts_with(text, "\xEF\xBB\xBF")) text.remove_prefix(3);  // UTF-8 BOM
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  if (text.empty() || text.front() != '<') return false;
  std::string head;
  for (char c : text.substr(1, 16)) head += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view tag : {"!doctype", "html", "?xml", "svg", "script", "head", "body",
                               "iframe", "!--", "meta", "a ", "img", "div", "style"}) {
    if (head.rfind(tag, 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::span<const UploadType> accepted_upload_types() { return kTypes; }

std::string accepted_upload_labels() {
  std::string out;
  for (const auto& t : kTypes) {
    if (!out.empty()) out += ", ";
    out += t.label;
  }
  return out;
}

bool is_accepted_upload_type(std::string_view mime) {
  return std::any_of(kTypes.begin(), kTypes.end(),
                     [&](const UploadType& t) { return t.mime == mime; });
}

std::optional<std::string> upload_content_problem(std::string_view mime, std::string_view bytes) {
  const auto mismatch = [&](std::string_view label) {
    return std::optional<std::string>("le contenu du fichier n'est pas un fichier " +
                                      std::string(label) + " (type déclaré : " +
                                      std::string(mime) + ")");
  };
  if (mime == "application/pdf") {
    return starts_with(bytes, "%PDF-") ? std::nullopt : mismatch("PDF");
  }
  if (mime == "image/png") {
    return starts_with(bytes, "\x89PNG\r\n\x1a\n") ? std::nullopt : mismatch("PNG");
  }
  if (mime == "image/jpeg") {
    return starts_with(bytes, "\xFF\xD8\xFF") ? std::nullopt : mismatch("JPEG");
  }
  if (mime == "application/msword" || mime == "application/vnd.ms-excel") {
    return starts_with(bytes, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") ? std::nullopt
                                                                 : mismatch("Word ou Excel");
  }
  if (mime.rfind("application/vnd.oasis.opendocument.", 0) == 0 ||
      mime.rfind("application/vnd.openxmlformats-officedocument.", 0) == 0) {
    return starts_with(bytes, std::string_view("PK\x03\x04", 4)) ? std::nullopt
                                                                 : mismatch("bureautique (ZIP)");
  }
  if (mime == "text/csv" || mime == "text/plain") {
    if (bytes.find('\0') != std::string_view::npos) {
      return std::optional<std::string>("un fichier texte ne contient pas d'octet nul");
    }
    if (looks_like_markup(bytes)) {
      return std::optional<std::string>(
          "les documents HTML, SVG ou XML ne sont pas acceptés comme texte");
    }
    return std::nullopt;
  }
  return std::optional<std::string>("type de fichier non accepté (" + accepted_upload_labels() +
                                    ")");
}

std::string_view served_upload_type(std::string_view mime) {
  for (const auto& t : kTypes) {
    if (t.mime == mime) return t.mime;
  }
  return "application/octet-stream";
}

std::string safe_upload_filename(std::string_view name) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') continue;
    out += static_cast<char>(c);
  }
  if (out.empty()) out = "document";
  return out;
}

}  // namespace maillage
