// The ROC portfolio of a département: JSON (cached on the audit high-water mark), CSV and XLSX
// exports.
#include <fmt/format.h>

#include <algorithm>

#include "common/csv.hpp"
#include "common/try.hpp"
#include "http/compress.hpp"
#include "http/registry_feature.hpp"
#include "http/web_app.hpp"
#include "office/xlsx.hpp"

namespace maillage::http {

using namespace registry_http;

namespace registry_http {

std::string severity_label(const std::string& s) {
  if (s == "critical") return "En retard";
  if (s == "warning") return "Imminent";
  return "À venir";
}

std::string kind_label(const std::string& k) {
  if (k == "implicit_transition") return "Validation implicite";
  if (k == "deadline") return "Échéance de mission";
  if (k == "anniversary") return "Anniversaire du contrat";
  return k;
}

}  // namespace registry_http

namespace {

std::vector<std::string> stage_ids_of(const services::Registry& reg) {
  std::vector<std::string> ids;
  for (const auto& lc : reg.lifecycles().items) {
    for (const auto& s : lc.states) {
      if (std::find(ids.begin(), ids.end(), s.id) == ids.end()) ids.push_back(s.id);
    }
  }
  return ids;
}

// The cache key: everything the answer depends on besides the data (filters, day, scope).
std::string portfolio_key(const RequestContext& ctx, const std::string& today) {
  const services::Principal& who = *ctx.principal();
  std::string key = ctx.request.param("code");
  for (const char* q : {"type", "etape", "alerte", "date"}) {
    key += '|';
    key += ctx.request.query_value(q).value_or("");
  }
  key += '|' + today + '|' + std::string(services::role_id(who.role));
  for (const auto& d : who.departements) key += ",d" + d;
  for (const auto& r : who.regions) key += ",r" + r;
  for (auto s : who.structures) key += ",s" + std::to_string(s);
  return key;
}

// The rows shared by the CSV and XLSX exports.
std::vector<std::string> export_header() {
  return {"Identifiant",
          "Type",
          "Nom",
          "Étape",
          "Depuis le",
          "Commune du siège",
          "Communes du territoire",
          "Population du territoire",
          "Référents",
          "Prochaine échéance",
          "Objet de l'échéance",
          "Alertes",
          "Dont en retard"};
}

}  // namespace

Result<services::Portfolio> RegistryFeature::portfolio_of(const RequestContext& ctx,
                                                          const std::string& dep) {
  auto [f, today] = MAILLAGE_TRY(portfolio_filter_of(ctx));
  return registry_.portfolio(*ctx.principal(), dep, f, today);
}

Result<std::pair<services::PortfolioFilter, registry::Date>> RegistryFeature::portfolio_filter_of(
    const RequestContext& ctx) const {
  const services::Registry* r = &registry_;
  services::PortfolioFilter f;
  auto non_empty = [&](const char* key) -> std::optional<std::string> {
    auto v = ctx.request.query_value(key);
    if (!v || v->empty()) return std::nullopt;
    return v;
  };
  f.kind = non_empty("type");
  f.stage = non_empty("etape");
  f.alert = non_empty("alerte");
  if (auto v = non_empty("secteur")) {
    if (*v != "mien") return fail(ErrorCode::invalid_input, "Valeur attendue : mien.", "secteur");
    f.mine = true;
  }
  if (f.stage) {
    auto ids = stage_ids_of(*r);
    if (std::find(ids.begin(), ids.end(), *f.stage) == ids.end()) {
      return fail(ErrorCode::invalid_input, "Étape inconnue : " + *f.stage, "etape");
    }
  }
  registry::Date today = today_utc();
  if (auto d = non_empty("date")) {
    auto parsed = registry::parse_date(*d);
    if (!parsed)
      return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "date");
    today = *parsed;
  }
  return std::pair{std::move(f), today};
}

Result<Response> RegistryFeature::api_portfolio(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto stamp = MAILLAGE_TRY(r->write_stamp());
  const auto now = std::chrono::steady_clock::now();
  const std::string key = portfolio_key(ctx, registry::format_date(today_utc()));
  std::shared_ptr<const CachedPortfolio> hit;
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(key);
        it != cache_.end() && it->second->stamp == stamp && now - it->second->at < kPortfolioTtl) {
      hit = it->second;
    }
  }
  if (!hit) {
    auto p = MAILLAGE_TRY(portfolio_of(ctx, ctx.request.param("code")));
    auto fresh = std::make_shared<CachedPortfolio>();
    fresh->stamp = stamp;  // read before the data: a write in between only makes it older
    fresh->at = now;
    fresh->body = portfolio_json(p).dump();
    fresh->etag = etag_of(fresh->body);
    fresh->gzip = gzip_compress(fresh->body);
    hit = fresh;
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() >= kPortfolioCacheEntries) cache_.clear();
    cache_[key] = std::move(fresh);
  }
  Response resp;
  resp.content_type = "application/json";
  // A revalidated ETag saves the transfer of an unchanged portfolio.
  make_cacheable(ctx.request, resp, "private, no-cache", hit->etag);
  if (resp.status == 200) set_encoded_body(ctx.request, resp, hit->body, hit->gzip, "");
  return resp;
}

Result<Response> RegistryFeature::api_portfolio_csv(const RequestContext& ctx) {
  auto p = MAILLAGE_TRY(portfolio_of(ctx, ctx.request.param("code")));
  // Semicolon-separated UTF-8 with a BOM: what French spreadsheet software opens directly.
  std::string out(csv::kUtf8Bom);
  auto line = [&](const std::vector<std::string>& fields) { out += csv::spreadsheet_row(fields); };
  line(export_header());
  for (const auto& e : p.entries) {
    std::int64_t late = 0;
    for (const auto& a : e.alerts) late += a.severity == "critical";
    std::string commune;
    if (const auto* c = site_.ref.commune(e.structure.commune)) commune = c->nom;
    line({std::to_string(e.structure.id), e.structure.kind, e.structure.name,
          e.structure.stage_label,
          e.structure.stage_since ? registry::format_date_fr(*e.structure.stage_since) : "",
          commune, std::to_string(e.territory_communes), std::to_string(e.territory_population),
          fmt::format("{}", fmt::join(e.referents, ", ")),
          e.next_deadline ? registry::format_date_fr(e.next_deadline->date) : "",
          e.next_deadline ? e.next_deadline->label : "", std::to_string(e.alerts.size()),
          std::to_string(late)});
  }
  Response resp;
  resp.content_type = "text/csv; charset=utf-8";
  resp.body = std::move(out);
  resp.set_header("Content-Disposition",
                  fmt::format("attachment; filename=\"portefeuille-{}-{}.csv\"", p.departement,
                              registry::format_date(p.as_of)));
  return resp;
}

Result<Response> RegistryFeature::api_portfolio_xlsx(const RequestContext& ctx) {
  auto p = MAILLAGE_TRY(portfolio_of(ctx, ctx.request.param("code")));
  auto to_date = [](registry::Date d) {
    return office::Date{static_cast<int>(d.year()),
                        static_cast<int>(static_cast<unsigned>(d.month())),
                        static_cast<int>(static_cast<unsigned>(d.day()))};
  };
  office::Sheet structures{"Structures", export_header(), {}, {}};
  for (const auto& e : p.entries) {
    std::int64_t late = 0;
    for (const auto& a : e.alerts) late += a.severity == "critical";
    std::string commune;
    if (const auto* c = site_.ref.commune(e.structure.commune)) commune = c->nom;
    std::vector<office::Cell> row{
        e.structure.id,
        e.structure.kind,
        e.structure.name,
        e.structure.stage_label,
        e.structure.stage_since ? office::Cell(to_date(*e.structure.stage_since)) : office::Cell(),
        commune,
        e.territory_communes,
        e.territory_population,
        fmt::format("{}", fmt::join(e.referents, ", ")),
        e.next_deadline ? office::Cell(to_date(e.next_deadline->date)) : office::Cell(),
        e.next_deadline ? office::Cell(e.next_deadline->label) : office::Cell(),
        static_cast<std::int64_t>(e.alerts.size()),
        late};
    structures.rows.push_back(std::move(row));
  }
  office::Sheet alerts{
      "Alertes", {"Date", "Structure", "Type", "Gravité", "Alerte", "Source"}, {}, {}};
  office::Sheet pipeline{"Étapes", {"Type", "Étape", "Nombre"}, {}, {}};
  for (const auto& e : p.entries) {
    for (const auto& a : e.alerts) {
      alerts.rows.push_back({to_date(a.date), e.structure.name, kind_label(a.kind),
                             severity_label(a.severity), a.label, a.source});
    }
  }
  for (const auto& s : p.pipeline) pipeline.rows.push_back({s.kind, s.label, s.count});
  office::WorkbookInfo info;
  info.title = fmt::format("Portefeuille {} ({}) au {}", p.departement_name, p.departement,
                           registry::format_date_fr(p.as_of));
  Response resp;
  resp.content_type = std::string(office::kXlsxMediaType);
  resp.body = MAILLAGE_TRY(office::write_xlsx({structures, alerts, pipeline}, info));
  resp.set_header("Content-Disposition",
                  fmt::format("attachment; filename=\"portefeuille-{}-{}.xlsx\"", p.departement,
                              registry::format_date(p.as_of)));
  return resp;
}

}  // namespace maillage::http
