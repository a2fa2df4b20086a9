#include "http/json_request.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "http/schemas.hpp"

namespace maillage::http {
namespace {

JsonSchema user_schema() { return *schemas::new_user(); }

Error read_error(std::string_view body, const JsonSchema& schema = user_schema()) {
  auto r = read_json(body, schema);
  EXPECT_FALSE(r.has_value()) << "accepted: " << body;
  return r ? Error{} : r.error();
}

constexpr std::string_view kValid =
    R"({"identifiant":"a@b.fr","nom":"Anne","mot_de_passe":"0123456789","role":"roc",)"
    R"("departements":["57"],"structures":[3]})";

TEST(JsonRequest, AcceptsAValidBody) {
  auto r = read_json(kValid, user_schema());
  ASSERT_TRUE(r.has_value()) << r.error().describe();
  EXPECT_EQ((*r)["departements"][0], "57");
  EXPECT_EQ((*r)["structures"][0], 3);
}

TEST(JsonRequest, NotJsonIsInvalidJson) {
  for (std::string_view body : {"", "{", "nope", "{\"a\":}", "[1,2", "{\"a\":1}x", "\xff\xfe"}) {
    Error e = read_error(body);
    EXPECT_EQ(e.code, ErrorCode::invalid_json) << body;
  }
}

TEST(JsonRequest, InvalidUtf8InAStringIsInvalidJson) {
  std::string body = R"({"identifiant":"a)";
  body += '\xc3';  // truncated two-byte sequence
  body += R"(","nom":"x","mot_de_passe":"0123456789","role":"roc"})";
  EXPECT_EQ(read_error(body).code, ErrorCode::invalid_json);
}

TEST(JsonRequest, AnEscapedNulInAStringIsRefusedWithTheFieldNamed) {
  Error e = read_error(
      R"({"identifiant":"a@b.fr","nom":"An\u0000ne","mot_de_passe":"0123456789","role":"roc"})");
  EXPECT_EQ(e.code, ErrorCode::invalid_input);
  EXPECT_EQ(e.field, "$.nom");
}

TEST(JsonRequest, WrongTypeNamesTheField) {
  Error e = read_error(
      R"({"identifiant":42,"nom":"Anne","mot_de_passe":"0123456789","role":"roc"})");
  EXPECT_EQ(e.code, ErrorCode::wrong_type);
  EXPECT_EQ(e.field, "$.identifiant");
  EXPECT_NE(e.message.find("chaîne"), std::string::npos);
}

TEST(JsonRequest, WrongTypeInsideAnArrayNamesTheElement) {
  Error e = read_error(
      R"({"identifiant":"a@b.fr","nom":"A","mot_de_passe":"0123456789","role":"member",)"
      R"("structures":[1,2,"trois"]})");
  EXPECT_EQ(e.code, ErrorCode::wrong_type);
  EXPECT_EQ(e.field, "$.structures[2]");
}

TEST(JsonRequest, FloatIsNotAnInteger) {
  Error e = read_error(
      R"({"identifiant":"a@b.fr","nom":"A","mot_de_passe":"0123456789","role":"member",)"
      R"("structures":[1.5]})");
  EXPECT_EQ(e.code, ErrorCode::wrong_type);
  EXPECT_EQ(e.field, "$.structures[0]");
}

TEST(JsonRequest, HugeUnsignedIsNotAnInteger) {
  Error e = read_error(
      R"({"identifiant":"a@b.fr","nom":"A","mot_de_passe":"0123456789","role":"member",)"
      R"("structures":[18446744073709551615]})");
  EXPECT_EQ(e.code, ErrorCode::wrong_type);
}

TEST(JsonRequest, RootMustBeAnObject) {
  Error e = read_error("[1]");
  EXPECT_EQ(e.code, ErrorCode::wrong_type);
  EXPECT_EQ(e.field, "$");
}

TEST(JsonRequest, MissingFieldIsNamed) {
  Error e = read_error(R"({"identifiant":"a@b.fr","nom":"A","role":"roc"})");
  EXPECT_EQ(e.code, ErrorCode::missing_field);
  EXPECT_EQ(e.field, "$.mot_de_passe");
}

TEST(JsonRequest, UnknownFieldIsNamed) {
  Error e = read_error(
      R"({"identifiant":"a@b.fr","nom":"A","mot_de_passe":"0123456789","role":"roc",)"
      R"("admin":true})");
  EXPECT_EQ(e.code, ErrorCode::unknown_field);
  EXPECT_EQ(e.field, "$.admin");
}

TEST(JsonRequest, DuplicateKeyIsRefused) {
  Error e = read_error(
      R"({"identifiant":"a@b.fr","nom":"A","mot_de_passe":"0123456789","role":"roc",)"
      R"("role":"admin"})");
  EXPECT_EQ(e.code, ErrorCode::invalid_json);
  EXPECT_EQ(e.field, "$.role");
}

TEST(JsonRequest, DuplicateKeyInANestedObjectHasItsPath) {
  JsonSchema s = json_object("", {{"a", false, json_array("", json_object("", {}))}});
  Error e = read_error(R"({"a":[{}, {"x":1,"x":2}]})", s);
  EXPECT_EQ(e.code, ErrorCode::invalid_json);
  EXPECT_EQ(e.field, "$.a[1].x");
}

TEST(JsonRequest, DeepNestingIsRefusedBeforeBuildingADom) {
  std::string deep(100000, '[');
  Error e = read_error(deep);
  EXPECT_EQ(e.code, ErrorCode::invalid_json);
  EXPECT_NE(e.message.find("imbriqué"), std::string::npos);
}

TEST(JsonRequest, UnknownRoleListsTheValues) {
  Error e = read_error(
      R"({"identifiant":"a@b.fr","nom":"A","mot_de_passe":"0123456789","role":"king"})");
  EXPECT_EQ(e.code, ErrorCode::invalid_input);
  EXPECT_EQ(e.field, "$.role");
  EXPECT_NE(e.message.find("charge_de_mission"), std::string::npos);
}

TEST(JsonRequest, LengthsCountCharactersNotBytes) {
  JsonSchema s = json_object("", {{"nom", true, json_string("", 1, 3)}});
  EXPECT_TRUE(read_json(R"({"nom":"éèê"})", s).has_value());  // 3 characters, 6 bytes
  Error e = read_error(R"({"nom":"éèêà"})", s);
  EXPECT_EQ(e.code, ErrorCode::invalid_input);
  EXPECT_EQ(e.field, "$.nom");
  EXPECT_EQ(read_error(R"({"nom":""})", s).code, ErrorCode::invalid_input);
}

TEST(JsonRequest, IntegerBounds) {
  Error e = read_error(
      R"({"identifiant":"a@b.fr","nom":"A","mot_de_passe":"0123456789","role":"member",)"
      R"("structures":[0]})");
  EXPECT_EQ(e.code, ErrorCode::invalid_input);
  EXPECT_EQ(e.field, "$.structures[0]");
}

TEST(JsonRequest, ArrayLengthLimit) {
  std::string many = "[";
  for (int i = 0; i < 30; ++i) many += (i ? ",\"44\"" : "\"44\"");
  many += "]";
  Error e = read_error(
      R"({"identifiant":"a@b.fr","nom":"A","mot_de_passe":"0123456789","role":"ars","regions":)" +
      many + "}");
  EXPECT_EQ(e.code, ErrorCode::invalid_input);
  EXPECT_EQ(e.field, "$.regions");
}

TEST(JsonRequest, FirstDeclaredFieldIsReportedFirst) {
  // Both identifiant and nom are wrong; the error is about the first one of the schema.
  Error e = read_error(R"({"nom":1,"identifiant":2,"mot_de_passe":"0123456789","role":"roc"})");
  EXPECT_EQ(e.field, "$.identifiant");
}

TEST(JsonRequest, OpenApiSchemaListsRequiredAndEnum) {
  nlohmann::json s = schema_to_openapi(user_schema());
  EXPECT_EQ(s["type"], "object");
  EXPECT_EQ(s["additionalProperties"], false);
  EXPECT_NE(std::find(s["required"].begin(), s["required"].end(), "role"), s["required"].end());
  EXPECT_EQ(s["properties"]["role"]["enum"].size(), 7u);
  EXPECT_EQ(s["properties"]["structures"]["items"]["type"], "integer");
}

}  // namespace
}  // namespace maillage::http
