#include <gtest/gtest.h>

#include "common/error.hpp"
#include "common/error_catalogue.hpp"

namespace maillage {
namespace {

TEST(ErrorCatalogue, EveryCodeHasADistinctIdAndAnHttpStatus) {
  for (int i = 0; i < static_cast<int>(ErrorCode::count_); ++i) {
    const auto& info = error_info(static_cast<ErrorCode>(i));
    EXPECT_FALSE(info.id.empty());
    EXPECT_GE(info.http_status, 400);
    EXPECT_LT(info.http_status, 600);
    EXPECT_EQ(error_info_by_id(info.id), &info) << info.id;
  }
  EXPECT_EQ(error_info_by_id("no_such_code"), nullptr);
}

TEST(ErrorCatalogue, ClientErrorsAre4xxAndSystemErrors5xx) {
  EXPECT_EQ(error_info(ErrorCode::missing_field).http_status, 400);
  EXPECT_EQ(error_info(ErrorCode::forbidden).http_status, 403);
  EXPECT_EQ(error_info(ErrorCode::not_found).http_status, 404);
  EXPECT_EQ(error_info(ErrorCode::conflict).http_status, 409);
  EXPECT_EQ(error_info(ErrorCode::internal).http_status, 500);
}

TEST(Error, DescribeNamesFileLineAndField) {
  auto e = fail_at("communes.csv", 12, "population", "nombre attendu").value();
  EXPECT_EQ(e.describe(), "communes.csv:12: population: nombre attendu");
  auto plain = fail(ErrorCode::not_found, "").value();
  EXPECT_EQ(plain.describe(), "Ressource introuvable.");
}

}  // namespace
}  // namespace maillage
