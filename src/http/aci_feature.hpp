// Private to the ACI routes (src/http/aci_*.cpp): the feature class, whose handlers are split by
// resource — contracts API (aci_contracts_api.cpp), dialogue de gestion API
// (aci_workspace_api.cpp), pages (aci_pages.cpp) — and the helpers they share. The JSON of the
// views is built in aci_json.cpp.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "http/answers.hpp"
#include "http/feature.hpp"
#include "http/web_app.hpp"
#include "services/aci.hpp"

namespace maillage::http {

namespace aci_http {

Result<int> parse_year(const std::string& text);
/// A contract id and a contract year from the path ({id} and `year_param`).
struct Target {
  std::int64_t id;
  int year;
};
Result<Target> target(const RequestContext& ctx, const char* year_param = "year");
/// The `version` query parameter, if any.
Result<std::optional<std::int64_t>> version_query(const RequestContext& ctx);
Response json_answer(const nlohmann::json& j, int status = 200);

}  // namespace aci_http

class AciFeature final : public Feature {
 public:
  explicit AciFeature(const Site& site);

  void add_routes(RouteTable& table) override;

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    (void)who;
    return {{"Contrats ACI", "/aci"}};
  }

 private:
  using Method = Result<Response> (AciFeature::*)(const RequestContext&);
  Handler bind(Method m) {
    return [this, m](const RequestContext& ctx) { return (this->*m)(ctx); };
  }

  // Contracts API (aci_contracts_api.cpp).
  Result<Response> api_list(const RequestContext& ctx);
  Result<Response> api_create(const RequestContext& ctx);
  Result<Response> api_contract(const RequestContext& ctx);
  Result<Response> api_update(const RequestContext& ctx);
  Result<Response> api_edit(const RequestContext& ctx);
  Result<Response> api_avenant(const RequestContext& ctx);
  Result<Response> api_schedule(const RequestContext& ctx);
  Result<Response> api_indicators(const RequestContext& ctx);
  Result<Response> api_measure(const RequestContext& ctx);
  Result<Response> api_agree(const RequestContext& ctx);

  // Dialogue de gestion API (aci_workspace_api.cpp).
  Result<Response> api_workspace(const RequestContext& ctx);
  Result<Response> api_update_workspace(const RequestContext& ctx);
  Result<Response> api_comment(const RequestContext& ctx);
  Result<Response> api_attach(const RequestContext& ctx);
  Result<Response> api_attachment(const RequestContext& ctx);
  Result<Response> api_budget(const RequestContext& ctx);
  Result<Response> api_add_fiche(const RequestContext& ctx);
  Result<Response> api_update_fiche(const RequestContext& ctx);
  Result<Response> api_adjust(const RequestContext& ctx);

  // Pages (aci_pages.cpp).
  Result<Response> page(const std::string& name, nlohmann::json data, const RequestContext& ctx);
  Result<Response> page_list(const RequestContext& ctx);
  Result<Response> page_new_contract(const RequestContext& ctx);
  Result<Response> page_create_contract(const RequestContext& ctx);
  Result<Response> contract_form(const RequestContext& ctx, std::int64_t structure_id,
                                 const services::AciContractForm* typed, const Error* error);
  Result<Response> page_contract(const RequestContext& ctx);
  Result<Response> page_edit_contract(const RequestContext& ctx);
  Result<Response> page_save_contract(const RequestContext& ctx);
  Result<Response> page_add_avenant(const RequestContext& ctx);
  /// The contract page or its edit form, with what was typed and the error next to its field.
  Result<Response> contract_page(const RequestContext& ctx, std::int64_t id, bool edit_form,
                                 const nlohmann::json& typed, const Error* error);
  Result<Response> page_schedule(const RequestContext& ctx);
  Result<Response> page_indicators(const RequestContext& ctx);
  Result<services::AciWorkspace> workspace_data(const RequestContext& ctx);
  Result<Response> page_dialogue(const RequestContext& ctx);
  Result<Response> page_dossier(const RequestContext& ctx);
  Result<Response> dossier_odt(const RequestContext& ctx);

  void make_schemas();

  const Site& site_;
  services::AciService& aci_;
  std::shared_ptr<const JsonSchema> measure_schema_, agree_schema_, workspace_schema_,
      comment_schema_, attachment_schema_, budget_schema_, fiche_create_schema_,
      fiche_update_schema_, adjustment_schema_, contract_schema_, contract_update_schema_,
      edit_schema_, avenant_schema_;
};

}  // namespace maillage::http
