// The upload policy shared by every upload route (common/uploads.hpp): accepted types, the
// declared type confirmed by the file's first bytes, markup refused as text, and what a stored
// file is served as.
#include "common/uploads.hpp"

#include <gtest/gtest.h>

#include <string>

namespace maillage {
namespace {

TEST(Uploads, AcceptedTypesAreAShortList) {
  EXPECT_TRUE(is_accepted_upload_type("application/pdf"));
  EXPECT_TRUE(is_accepted_upload_type("text/csv"));
  for (const char* t : {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml",
                        "application/javascript", "application/octet-stream", "", "APPLICATION/PDF"}) {
    EXPECT_FALSE(is_accepted_upload_type(t)) << t;
    EXPECT_TRUE(upload_content_problem(t, "%PDF-1.4")) << t;
  }
  EXPECT_NE(accepted_upload_labels().find("PDF, PNG, JPEG"), std::string::npos);
}

TEST(Uploads, TheFirstBytesMustMatchTheDeclaredType) {
  EXPECT_FALSE(upload_content_problem("application/pdf", "%PDF-1.7\n..."));
  EXPECT_TRUE(upload_content_problem("application/pdf", "<html><script>x</script>"));
  EXPECT_FALSE(upload_content_problem("image/png", std::string("\x89PNG\r\n\x1a\n\0\0", 10)));
  EXPECT_TRUE(upload_content_problem("image/png", "GIF89a"));
  EXPECT_FALSE(upload_content_problem("image/jpeg", "\xFF\xD8\xFF\xE0"));
  EXPECT_TRUE(upload_content_problem("image/jpeg", "\xFF\xD8"));
  const std::string zip("PK\x03\x04rest", 8);
  EXPECT_FALSE(upload_content_problem("application/vnd.oasis.opendocument.text", zip));
  EXPECT_FALSE(upload_content_problem(
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zip));
  EXPECT_TRUE(upload_content_problem("application/vnd.oasis.opendocument.text", "%PDF-1.4"));
  EXPECT_FALSE(upload_content_problem("application/msword",
                                      "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 ole"));
  EXPECT_TRUE(upload_content_problem("application/vnd.ms-excel", zip));
}

TEST(Uploads, TextIsNeitherBinaryNorMarkup) {
  EXPECT_FALSE(upload_content_problem("text/csv", "code;nom\n57463;Metz\n"));
  EXPECT_FALSE(upload_content_problem("text/plain", "Compte rendu < 3 pages"));
  EXPECT_FALSE(upload_content_problem("text/csv", "\xE9t\xE9;Latin-1\n"));  // Excel's CSV
  EXPECT_TRUE(upload_content_problem("text/csv", std::string("a;b\n\0;c\n", 8)));
  for (const char* markup : {"<!DOCTYPE html><p>x", "  <html>", "\xEF\xBB\xBF<svg onload=x>",
                             "<?xml version=\"1.0\"?>", "<SCRIPT>alert(1)</SCRIPT>",
                             "\n<iframe src=x>"}) {
    EXPECT_TRUE(upload_content_problem("text/plain", markup)) << markup;
  }
}

TEST(Uploads, StoredFilesAreServedWithASafeTypeAndName) {
  EXPECT_EQ(served_upload_type("application/pdf"), "application/pdf");
  EXPECT_EQ(served_upload_type("text/html"), "application/octet-stream");
  EXPECT_EQ(served_upload_type("image/svg+xml"), "application/octet-stream");
  EXPECT_EQ(safe_upload_filename("../../etc/passwd"), "passwd");
  EXPECT_EQ(safe_upload_filename("C:\\x\\rapport \"final\".pdf"), "rapport final.pdf");
  EXPECT_EQ(safe_upload_filename("a\r\nSet-Cookie: x.pdf"), "aSet-Cookie: x.pdf");
  EXPECT_EQ(safe_upload_filename("/"), "document");
}

}  // namespace
}  // namespace maillage
