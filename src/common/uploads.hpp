// What the site accepts as an uploaded file, checked the same way by every upload (pièces
// justificatives of the dialogue de gestion, documents of a structure): a short list of office
// and image types, the declared type confirmed by the first bytes of the file, and, when the file
// is served back, a Content-Type from the same list (anything else goes out as
// application/octet-stream). Uploads are always served as downloads (Content-Disposition:
// attachment, nosniff, a Content-Security-Policy that runs nothing): never as HTML of the site.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace maillage {

struct UploadType {
  std::string_view mime;   // "application/pdf"
  std::string_view label;  // "PDF", for messages in French
};

/// The accepted types, in the order of the message listing them.
std::span<const UploadType> accepted_upload_types();
/// "PDF, PNG, JPEG, ..." for error messages.
std::string accepted_upload_labels();
bool is_accepted_upload_type(std::string_view mime);

/// Why the bytes do not match the declared type (French, for the user), nullopt when they do:
/// PDF starts with "%PDF-", PNG and JPEG with their signatures, the OpenDocument and Office Open
/// XML types are ZIP archives, the old Word and Excel types OLE files; text types have no NUL
/// byte and are not an HTML, SVG or XML document (a browser told to sniff would run those).
std::optional<std::string> upload_content_problem(std::string_view mime, std::string_view bytes);

/// The Content-Type to serve a stored file with: its type when accepted, else
/// application/octet-stream.
std::string_view served_upload_type(std::string_view mime);

/// A file name safe for a Content-Disposition header: the last path component, without control
/// characters, quotes or backslashes; "document" when nothing is left.
std::string safe_upload_filename(std::string_view name);

}  // namespace maillage
