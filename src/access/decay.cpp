#include "access/decay.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "access/number.hpp"

namespace maillage::access {

namespace {

constexpr std::string_view kField = "weights";

tl::unexpected<Error> bad(std::string message) {
  return fail(ErrorCode::invalid_input, std::move(message), std::string(kField));
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Shortest text that reads back as the same double.
std::string number_text(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc{} ? std::string(buf, end) : std::string("?");
}

// Splits "a=1,b=2" into (key, value) items; an item without '=' has an empty value.
std::vector<std::pair<std::string_view, std::string_view>> items(std::string_view list) {
  std::vector<std::pair<std::string_view, std::string_view>> out;
  while (!list.empty()) {
    const auto comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(item, std::string_view{});
    } else {
      out.emplace_back(trim(item.substr(0, eq)), trim(item.substr(eq + 1)));
    }
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

Result<Decay> parse_step(std::string_view args) {
  Decay d;
  d.kind = DecayKind::step;
  if (trim(args).empty()) return bad("aucune tranche : écrire par exemple step:10=1,15=2/3,20=1/3");
  for (auto [key, value] : items(args)) {
    const auto end = parse_decimal(key);
    const auto w = parse_number_or_fraction(value);
    if (!end || value.empty() || !w) {
      return bad("tranche illisible « " + std::string(key) + "=" + std::string(value) +
                 " » : attendu fin_en_minutes=poids, par exemple 10=1");
    }
    d.bands.push_back({*end, *w});
  }
  d.max_minutes = d.bands.back().upper_minutes;
  return d;
}

Result<Decay> parse_gravity(std::string_view args) {
  Decay d;
  d.kind = DecayKind::gravity;
  bool has_beta = false;
  for (auto [key, value] : items(args)) {
    const std::string k = lower(key);
    const auto v = parse_decimal(value);
    if (!v) return bad("paramètre gravitaire illisible « " + std::string(key) + "=" +
                       std::string(value) + " »");
    if (k == "beta") {
      d.gravity_beta = *v;
      has_beta = true;
    } else if (k == "min") {
      d.gravity_min_minutes = *v;
    } else if (k == "scale") {
      d.gravity_scale = *v;
    } else {
      return bad("paramètre gravitaire inconnu « " + std::string(key) +
                 " » (attendus : beta, min, scale)");
    }
  }
  if (!has_beta) return bad("le modèle gravitaire demande beta, par exemple gravity:beta=1");
  return d;
}

}  // namespace

Decay apl_decay() {
  Decay d;
  d.kind = DecayKind::step;
  d.bands = {{10, 1.0}, {15, 2.0 / 3.0}, {20, 1.0 / 3.0}};
  d.max_minutes = 20;
  return d;
}

Status Decay::validate() const {
  if (!(max_minutes >= 0)) {  // also refuses NaN
    return bad("la zone de recours (minutes max.) doit être un nombre positif ou nul");
  }
  switch (kind) {
    case DecayKind::step: {
      if (bands.empty()) return bad("aucune tranche de temps");
      double previous = -1;
      for (const StepBand& b : bands) {
        if (!std::isfinite(b.upper_minutes) || b.upper_minutes < 0) {
          return bad("fin de tranche invalide : " + number_text(b.upper_minutes));
        }
        if (b.upper_minutes <= previous) {
          return bad("les fins de tranche doivent être strictement croissantes (" +
                     number_text(b.upper_minutes) + " après " + number_text(previous) + ")");
        }
        if (!std::isfinite(b.weight) || b.weight < 0) {
          return bad("poids de tranche invalide : " + number_text(b.weight));
        }
        previous = b.upper_minutes;
      }
      if (max_minutes > bands.back().upper_minutes) {
        return bad("la zone de recours dépasse la dernière tranche");
      }
      break;
    }
    case DecayKind::uniform:
      if (!std::isfinite(max_minutes)) return bad("la zone de recours doit être finie");
      break;
    case DecayKind::gravity:
      if (!std::isfinite(gravity_beta) || gravity_beta < 0) {
        return bad("beta doit être un nombre positif ou nul");
      }
      if (!std::isfinite(gravity_min_minutes) || gravity_min_minutes <= 0) {
        return bad("min doit être strictement positif (sinon le poids à 0 minute est infini)");
      }
      if (!std::isfinite(gravity_scale) || gravity_scale <= 0) {
        return bad("scale doit être strictement positif");
      }
      // The largest weight, at t <= min, must be finite.
      if (!std::isfinite(std::pow(gravity_min_minutes / gravity_scale, -gravity_beta))) {
        return bad("poids infini au temps minimal : augmenter min ou réduire beta");
      }
      break;
  }
  return {};
}

double Decay::weight(double minutes) const noexcept {
  if (!within(minutes)) return 0;
  switch (kind) {
    case DecayKind::uniform:
      return 1;
    case DecayKind::step:
      for (const StepBand& b : bands) {
        const bool in = boundary == Boundary::upper_inclusive ? minutes <= b.upper_minutes
                                                              : minutes < b.upper_minutes;
        if (in) return b.weight;
      }
      return 0;
    case DecayKind::gravity:
      return std::pow(std::max(minutes, gravity_min_minutes) / gravity_scale, -gravity_beta);
  }
  return 0;
}

std::string Decay::describe() const {
  std::string out;
  switch (kind) {
    case DecayKind::step:
      out = "step:";
      for (std::size_t i = 0; i < bands.size(); ++i) {
        if (i) out += ',';
        out += number_text(bands[i].upper_minutes) + "=" + number_text(bands[i].weight);
      }
      break;
    case DecayKind::uniform:
      out = "uniform";
      break;
    case DecayKind::gravity:
      out = "gravity:beta=" + number_text(gravity_beta) + ",min=" +
            number_text(gravity_min_minutes) + ",scale=" + number_text(gravity_scale);
      break;
  }
  out += " max=" + number_text(max_minutes);
  out += boundary == Boundary::upper_inclusive ? " (bornes incluses)" : " (bornes exclues)";
  return out;
}

Result<Decay> parse_decay(std::string_view spec, std::optional<double> max_minutes,
                          Boundary boundary) {
  spec = trim(spec);
  const auto colon = spec.find(':');
  const std::string kind = lower(trim(spec.substr(0, colon)));
  const std::string_view args =
      colon == std::string_view::npos ? std::string_view{} : spec.substr(colon + 1);
  Result<Decay> decay = bad("");
  if (kind == "step") {
    decay = parse_step(args);
  } else if (kind == "uniform" || kind == "2sfca") {
    if (!trim(args).empty()) return bad("« " + kind + " » ne prend pas de paramètre");
    decay = Decay{};
    decay->kind = DecayKind::uniform;
  } else if (kind == "gravity") {
    decay = parse_gravity(args);
  } else {
    return bad("type de pondération inconnu « " + std::string(spec.substr(0, colon)) +
               " » (attendus : step, uniform, gravity)");
  }
  if (!decay) return decay;
  decay->boundary = boundary;
  if (max_minutes) {
    if (decay->kind == DecayKind::step) {
      // A catchment past the last band would only add pairs of weight 0.
      decay->max_minutes = std::min(*max_minutes, decay->bands.back().upper_minutes);
    } else {
      decay->max_minutes = *max_minutes;
    }
  }
  if (auto ok = decay->validate(); !ok) return tl::unexpected(ok.error());
  return decay;
}

}  // namespace maillage::access
