#include "services/sectors.hpp"

#include <fmt/format.h>

#include <chrono>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

#include "common/french.hpp"
#include "common/try.hpp"
#include "services/sectors_model.hpp"
#include "services/sectors_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using detail::SectorModel;
using store::AuditDetail;
using store::Tx;

namespace {

constexpr int kMaxSectors = 12;
constexpr int kMaxTimeLimit = 300;
constexpr int kMaxRunningJobs = 2;  // the machine's cores; a third waits for its turn
constexpr std::size_t kMaxLabel = 80;
constexpr std::size_t kKeptJobs = 64;  // finished proposals kept for their pages
constexpr std::size_t kMaxNote = 2000;

std::optional<SectorPerson> person(const std::optional<SectorPersonRow>& row) {
  if (!row) return std::nullopt;
  return SectorPerson{row->user_id, row->login, row->display_name, row->role};
}

Status check_settings(const SectorSettings& s) {
  if (s.k < 1 || s.k > kMaxSectors) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Le nombre de secteurs doit être entre 1 et {}.", kMaxSectors), "k");
  }
  if (!(s.tolerance >= 0.0 && s.tolerance <= 1.0)) {
    return fail(ErrorCode::invalid_input, "La tolérance doit être entre 0 % et 100 %.",
                "tolerance");
  }
  if (s.time_limit_seconds < 1 || s.time_limit_seconds > kMaxTimeLimit) {
    return fail(ErrorCode::invalid_input,
                fmt::format("La durée de calcul doit être entre 1 et {} secondes.", kMaxTimeLimit),
                "time_limit_seconds");
  }
  return {};
}

// The job's state, proposal and French message from the engine's answer.
void record_outcome(SectorJob& j, const SectorModel& m, const SectorSettings& settings,
                    const Result<sectors::Solution>& solved) {
  if (!solved) {
    j.state = "echec";
    j.message = solved.error().message;
    return;
  }
  const auto& s = *solved;
  j.seconds = s.seconds;
  j.lower_bound = s.lower_bound;
  switch (s.status) {
    case sectors::SolveStatus::optimal:
    case sectors::SolveStatus::feasible: {
      j.state = "termine";
      j.optimal = s.status == sectors::SolveStatus::optimal;
      j.best_cut = s.cut_edges;
      for (std::size_t i = 0; i < m.units.size(); ++i) j.communes[m.units[i].code] = s.sector[i];
      j.evaluation = detail::evaluate(m, settings, s.sector);
      j.message =
          j.optimal ? "Découpage trouvé ; aucun découpage équilibré n'a une frontière plus courte."
                    : fmt::format(
                          "Découpage trouvé ; le calcul s'est arrêté avant de prouver "
                          "qu'il n'y a pas mieux (au moins {} paires de communes "
                          "séparées, contre {} ici).",
                          s.lower_bound, s.cut_edges);
      break;
    }
    case sectors::SolveStatus::infeasible:
      j.state = "echec";
      if (s.smallest_feasible_deviation) j.smallest_tolerance = *s.smallest_feasible_deviation / 2;
      j.message = j.smallest_tolerance
                      ? fmt::format(
                            "Aucun découpage en {} secteurs d'un seul tenant ne respecte un écart "
                            "de ±{} % ; il en existe un avec un écart de ±{} %.",
                            settings.k, fr::decimal(settings.tolerance * 100, 1),
                            fr::decimal(*j.smallest_tolerance * 100, 1))
                      : fmt::format(
                            "Aucun découpage en {} secteurs d'un seul tenant ne respecte un écart "
                            "de ±{} % : élargissez l'écart admis ou réduisez le nombre de "
                            "secteurs.",
                            settings.k, fr::decimal(settings.tolerance * 100, 1));
      break;
    case sectors::SolveStatus::unknown:
      j.state = "echec";
      j.message =
          "Aucun découpage trouvé dans le temps imparti : augmentez la durée de calcul "
          "ou l'écart admis.";
      break;
  }
}

}  // namespace

struct Sectors::Impl {
  store::Database* db;
  const geo::Referentiel* ref;

  std::mutex mutex;  // guards everything below
  std::condition_variable turn;
  std::map<std::int64_t, SectorJob> jobs;
  std::map<std::string, std::int64_t> running_of_departement;
  int running = 0;
  std::int64_t next_id = 1;
  std::atomic<bool> cancel{false};
  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> done;
  };
  std::list<Worker> workers;

  // Joins the finished workers and forgets the oldest finished jobs (called under the mutex).
  void tidy() {
    for (auto it = workers.begin(); it != workers.end();) {
      if (*it->done) {
        it->thread.join();
        it = workers.erase(it);
      } else {
        ++it;
      }
    }
    while (jobs.size() > kKeptJobs) {
      auto oldest = jobs.begin();
      if (oldest->second.state == "en_cours") break;
      jobs.erase(oldest);
    }
  }

  [[nodiscard]] SectorsRepository repo() const { return SectorsRepository(*db); }

  [[nodiscard]] bool may_read(const Principal& who, const std::string& dep) const {
    return covers_departement(who, dep, [this](std::string_view d) {
      const auto* x = ref->departement(d);
      return x ? x->region : std::string();
    });
  }
  [[nodiscard]] static bool may_edit(const Principal& who, const std::string& dep) {
    if (who.role == Role::admin) return true;
    if (who.role != Role::roc) return false;
    for (const auto& d : who.departements) {
      if (d == dep) return true;
    }
    return false;
  }
  [[nodiscard]] Status require_read(const Principal& who, const std::string& dep) const {
    if (ref->departement(dep) == nullptr) {
      return fail(ErrorCode::not_found, fmt::format("Le département {} n'existe pas.", dep),
                  "departement");
    }
    if (!may_read(who, dep)) {
      return fail(ErrorCode::forbidden, "Ce département n'est pas dans votre périmètre.");
    }
    return {};
  }
  [[nodiscard]] Status require_edit(const Principal& who, const std::string& dep) const {
    MAILLAGE_CHECK(require_read(who, dep));
    if (!may_edit(who, dep)) {
      return fail(ErrorCode::forbidden,
                  "Seuls les ROC du département et les administrateurs découpent les secteurs.");
    }
    return {};
  }

  [[nodiscard]] Result<SectorModel> model(const std::string& dep, const WorkloadMix& mix) const {
    const auto r = repo();
    auto structures = MAILLAGE_TRY(r.structures(dep));
    auto professionals = MAILLAGE_TRY(r.professionals(dep));
    return detail::build_model(*ref, dep, mix, structures, professionals);
  }

  // Labels and referents of a saved plan on the figures of an evaluation.
  static void name_sectors(SectorEvaluation& ev, const std::vector<SectorRow>& rows) {
    for (const auto& row : rows) {
      if (row.sector < 0 || row.sector >= static_cast<int>(ev.sectors.size())) continue;
      auto& f = ev.sectors[static_cast<std::size_t>(row.sector)];
      f.label = row.label;
      f.referent = person(row.referent);
      f.deputy = person(row.deputy);
    }
  }

  // The plan and, in `model_out` when given, the model it was evaluated on (its own mix).
  [[nodiscard]] Result<std::optional<SectorPlan>> load_plan(
      const std::string& dep, std::optional<std::int64_t> version,
      std::optional<SectorModel>* model_out = nullptr) const {
    const auto r = repo();
    auto row = MAILLAGE_TRY(r.plan(dep, version));
    if (!row) return std::optional<SectorPlan>{};
    SectorPlan p;
    p.id = row->id;
    p.departement = row->departement;
    p.version = row->version;
    p.settings.departement = dep;
    p.settings.k = row->k;
    p.settings.mix = {row->weight_population, row->weight_structures, row->weight_professionals};
    p.settings.tolerance = row->tolerance;
    p.lower_bound = row->lower_bound;
    p.note = row->note;
    p.created_by = row->created_by;
    p.created_at = row->created_at;
    p.communes = MAILLAGE_TRY(r.communes(row->id));
    auto m = MAILLAGE_TRY(model(dep, p.settings.mix));
    // Communes that joined the département since the plan (référentiel update) are reported
    // by the evaluation; communes that left it are dropped.
    std::vector<int> assignment(m.units.size(), 0);
    for (std::size_t i = 0; i < m.units.size(); ++i) {
      auto it = p.communes.find(m.units[i].code);
      assignment[i] = it == p.communes.end() ? 0 : it->second;
    }
    p.evaluation = detail::evaluate(m, p.settings, assignment);
    name_sectors(p.evaluation, MAILLAGE_TRY(r.sectors(row->id)));
    if (model_out != nullptr) *model_out = std::move(m);
    return std::optional<SectorPlan>{std::move(p)};
  }

  void run_job(std::int64_t id, SectorModel m, SectorSettings settings);
};

Sectors::Sectors(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Sectors::~Sectors() { stop(); }

Result<std::unique_ptr<Sectors>> Sectors::create(store::Database& db, const geo::Referentiel& ref) {
  auto impl = std::make_unique<Impl>();
  impl->db = &db;
  impl->ref = &ref;
  return std::unique_ptr<Sectors>(new Sectors(std::move(impl)));
}

void Sectors::stop() {
  impl_->cancel = true;
  impl_->turn.notify_all();
  std::list<Impl::Worker> workers;
  {
    std::lock_guard lock(impl_->mutex);
    workers.swap(impl_->workers);
  }
  for (auto& w : workers) w.thread.join();
}

Result<SectorWorkspace> Sectors::workspace(const Principal& who, const std::string& departement,
                                           std::optional<WorkloadMix> mix) const {
  MAILLAGE_CHECK(impl_->require_read(who, departement));
  SectorWorkspace w;
  w.departement = departement;
  w.departement_name = impl_->ref->departement(departement)->nom;
  std::optional<SectorModel> m;
  w.plan = MAILLAGE_TRY(impl_->load_plan(departement, std::nullopt, &m));
  w.mix = mix ? *mix : w.plan ? w.plan->settings.mix : WorkloadMix{};
  // The plan's model serves unless another mix is asked for.
  if (!m || mix) m = MAILLAGE_TRY(impl_->model(departement, w.mix));
  w.units = std::move(m->units);
  for (const auto& u : w.units) w.total_population += u.population;
  const auto r = impl_->repo();
  for (const auto& p : MAILLAGE_TRY(r.plans(departement))) {
    w.history.push_back({p.version, p.k, p.cut_edges, p.created_by, p.created_at, p.note});
  }
  for (const auto& c : MAILLAGE_TRY(r.candidates(departement))) {
    w.candidates.push_back({c.user_id, c.login, c.display_name, c.role});
  }
  std::int64_t professionals = 0;
  for (const auto& u : w.units) professionals += u.professionals;
  w.rpps_note = professionals > 0
                    ? fmt::format("{} professionnels libéraux (dernier extrait RPPS importé).",
                                  fr::integer(professionals))
                    : "Aucun extrait RPPS importé : la part « professionnels » ne compte pas.";
  w.may_edit = Impl::may_edit(who, departement);
  return w;
}

Result<std::int64_t> Sectors::start(const Principal& who, const SectorSettings& settings) {
  MAILLAGE_CHECK(impl_->require_edit(who, settings.departement));
  MAILLAGE_CHECK(check_settings(settings));
  auto m = MAILLAGE_TRY(impl_->model(settings.departement, settings.mix));
  std::lock_guard lock(impl_->mutex);
  if (auto it = impl_->running_of_departement.find(settings.departement);
      it != impl_->running_of_departement.end()) {
    return fail(ErrorCode::conflict,
                "Un calcul est déjà en cours pour ce département : attendez son résultat.");
  }
  const std::int64_t id = impl_->next_id++;
  SectorJob job;
  job.id = id;
  job.settings = settings;
  job.state = "en_cours";
  job.message = "En attente d'un processeur libre.";
  impl_->jobs[id] = job;
  impl_->running_of_departement[settings.departement] = id;
  impl_->tidy();
  auto done = std::make_shared<std::atomic<bool>>(false);
  impl_->workers.push_back({std::thread([this, id, done, model = std::move(m), settings]() mutable {
                              impl_->run_job(id, std::move(model), settings);
                              *done = true;
                            }),
                            done});
  return id;
}

void Sectors::Impl::run_job(std::int64_t id, SectorModel m, SectorSettings settings) {
  {
    std::unique_lock lock(mutex);
    turn.wait(lock, [&] { return running < kMaxRunningJobs || cancel; });
    ++running;
    jobs[id].message = "Calcul en cours.";
  }
  const sectors::Problem problem = detail::problem_of(m, settings);
  sectors::Options options;
  options.time_limit = std::chrono::seconds(settings.time_limit_seconds);
  // Two threads even when two jobs run at once: with one, the engine anneals only briefly before
  // its exact model, and on a département the annealing is what finds the partitions.
  options.threads = 2;
  options.cancel = &cancel;
  options.on_progress = [this, id](const sectors::Progress& p) {
    std::lock_guard lock(mutex);
    auto& j = jobs[id];
    j.best_cut = p.best_cut;
    j.lower_bound = p.lower_bound;
    j.seconds = p.seconds;
  };
  auto solved = sectors::solve(problem, options);
  std::lock_guard lock(mutex);
  --running;
  turn.notify_one();
  running_of_departement.erase(settings.departement);
  auto& j = jobs[id];
  record_outcome(j, m, settings, solved);
}

Result<SectorJob> Sectors::job(const Principal& who, std::int64_t id) const {
  SectorJob j;
  {
    std::lock_guard lock(impl_->mutex);
    auto it = impl_->jobs.find(id);
    if (it == impl_->jobs.end()) {
      return fail(ErrorCode::not_found, fmt::format("Calcul {} inconnu.", id), "id");
    }
    j = it->second;
  }
  MAILLAGE_CHECK(impl_->require_read(who, j.settings.departement));
  return j;
}

Result<SectorJob> Sectors::compute(const Principal& who, const SectorSettings& settings) const {
  MAILLAGE_CHECK(impl_->require_edit(who, settings.departement));
  MAILLAGE_CHECK(check_settings(settings));
  auto m = MAILLAGE_TRY(impl_->model(settings.departement, settings.mix));
  sectors::Options options;
  options.time_limit = std::chrono::seconds(settings.time_limit_seconds);
  if (settings.work_moves > 0) {
    options.work_limit = sectors::WorkLimit{settings.work_moves, std::max(0L, settings.work_nodes)};
  }
  SectorJob j;
  j.settings = settings;
  record_outcome(j, m, settings, sectors::solve(detail::problem_of(m, settings), options));
  return j;
}

Result<SectorEvaluation> Sectors::evaluate(const Principal& who, const SectorSettings& settings,
                                           const std::map<std::string, int>& communes) const {
  MAILLAGE_CHECK(impl_->require_read(who, settings.departement));
  MAILLAGE_CHECK(check_settings(settings));
  auto m = MAILLAGE_TRY(impl_->model(settings.departement, settings.mix));
  auto assignment = MAILLAGE_TRY(detail::assignment_of(m, settings.k, communes));
  return detail::evaluate(m, settings, assignment);
}

Result<SectorPlan> Sectors::plan(const Principal& who, const std::string& departement,
                                 std::optional<std::int64_t> version) const {
  MAILLAGE_CHECK(impl_->require_read(who, departement));
  auto p = MAILLAGE_TRY(impl_->load_plan(departement, version));
  if (!p) {
    return fail(ErrorCode::not_found,
                version ? fmt::format("La version {} des secteurs n'existe pas.", *version)
                        : std::string("Aucun découpage en secteurs n'est enregistré."),
                "version");
  }
  return std::move(*p);
}

Result<SectorPlan> Sectors::save(const Principal& who, const SaveSectorPlan& in) {
  const std::string& dep = in.settings.departement;
  MAILLAGE_CHECK(impl_->require_edit(who, dep));
  MAILLAGE_CHECK(check_settings(in.settings));
  const auto k = static_cast<std::size_t>(in.settings.k);
  if (in.labels.size() != k || in.referents.size() != k || in.deputies.size() != k) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Il faut un nom, un référent et un suppléant (ou aucun) pour chacun "
                            "des {} secteurs.",
                            k),
                "labels");
  }
  if (in.note.size() > kMaxNote) {
    return fail(ErrorCode::invalid_input, "La note est trop longue (2 000 caractères au plus).",
                "note");
  }
  auto m = MAILLAGE_TRY(impl_->model(dep, in.settings.mix));
  auto assignment = MAILLAGE_TRY(detail::assignment_of(m, in.settings.k, in.communes));
  auto ev = detail::evaluate(m, in.settings, assignment);
  if (!ev.problems.empty()) {
    return fail(ErrorCode::invalid_input, "Découpage refusé : " + ev.problems.front(), "communes");
  }
  const auto candidates = MAILLAGE_TRY(impl_->repo().candidates(dep));
  auto candidate = [&](std::int64_t id,
                       const char* field) -> Result<std::optional<SectorPersonRow>> {
    if (id == 0) return std::optional<SectorPersonRow>{};
    for (const auto& c : candidates) {
      if (c.user_id == id) return std::optional<SectorPersonRow>{c};
    }
    return fail(ErrorCode::invalid_input,
                fmt::format("Le compte {} ne peut pas suivre un secteur de ce département (ROC du "
                            "département ou administrateur actif).",
                            id),
                field);
  };
  NewSectorPlan plan;
  for (std::size_t s = 0; s < k; ++s) {
    SectorRow row;
    row.sector = static_cast<int>(s);
    row.label = in.labels[s];
    if (row.label.empty() || row.label.size() > kMaxLabel) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("Le secteur {} doit avoir un nom (80 caractères au plus).", s + 1),
                  "labels");
    }
    row.referent = MAILLAGE_TRY(candidate(in.referents[s], "referents"));
    row.deputy = MAILLAGE_TRY(candidate(in.deputies[s], "deputies"));
    if (row.referent && row.deputy && row.referent->user_id == row.deputy->user_id) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("Secteur {} : le suppléant doit être une autre personne que le "
                              "référent.",
                              s + 1),
                  "deputies");
    }
    plan.sectors.push_back(std::move(row));
  }
  for (std::size_t i = 0; i < m.units.size(); ++i) plan.communes[m.units[i].code] = assignment[i];
  plan.plan.departement = dep;
  plan.plan.k = in.settings.k;
  plan.plan.weight_population = in.settings.mix.population;
  plan.plan.weight_structures = in.settings.mix.structures;
  plan.plan.weight_professionals = in.settings.mix.professionals;
  plan.plan.tolerance = in.settings.tolerance;
  plan.plan.cut_edges = ev.cut_edges;
  // A bound proven for these settings stays true; it is kept only if the cut it bounds is this
  // one's (a hand edit may have lengthened the border).
  if (in.lower_bound && *in.lower_bound <= ev.cut_edges) plan.plan.lower_bound = in.lower_bound;
  plan.plan.note = in.note;
  plan.plan.created_by = who.login;
  plan.plan.created_at = store::timestamp_now();

  std::int64_t version = 0;
  MAILLAGE_CHECK(impl_->db->transact([&](Tx& tx) -> Status {
    auto current = MAILLAGE_TRY(SectorsRepository::current_version(tx, dep));
    if (current != in.base_version) {
      return fail(ErrorCode::conflict,
                  current ? fmt::format("Les secteurs ont été enregistrés entre-temps (version "
                                        "{}) : rechargez la page avant d'enregistrer.",
                                        *current)
                          : std::string("Aucun découpage n'existe encore : rechargez la page."),
                  "base_version");
    }
    version = current.value_or(0) + 1;
    plan.plan.version = version;
    auto id = MAILLAGE_TRY(SectorsRepository::insert_plan(tx, plan));
    AuditDetail detail;
    detail.add("departement", dep)
        .add("version", version)
        .add("k", static_cast<std::int64_t>(in.settings.k))
        .add("cut_edges", static_cast<std::int64_t>(ev.cut_edges));
    return store::audit(
        tx, {who.login, "sectors.save", "sector_plan", std::to_string(id), "", detail.json()});
  }));
  auto saved = MAILLAGE_TRY(impl_->load_plan(dep, version));
  return std::move(*saved);
}

Result<std::vector<Sectors::Outline>> Sectors::outlines(const Principal& who,
                                                        const std::string& departement) const {
  auto p = MAILLAGE_TRY(plan(who, departement));
  std::vector<std::vector<geo::CommuneIndex>> members(static_cast<std::size_t>(p.settings.k));
  for (const auto& [code, sector] : p.communes) {
    const geo::Commune* c = impl_->ref->commune(code);
    if (c == nullptr || sector < 0 || sector >= p.settings.k) continue;
    members[static_cast<std::size_t>(sector)].push_back(
        static_cast<geo::CommuneIndex>(c - impl_->ref->communes.data()));
  }
  std::vector<Outline> out;
  for (const auto& f : p.evaluation.sectors) {
    Outline o;
    o.index = f.index;
    o.label = f.label;
    if (f.referent) o.referent = f.referent->display_name;
    if (f.deputy) o.deputy = f.deputy->display_name;
    o.shape = geo::outline(*impl_->ref, members[static_cast<std::size_t>(f.index)]);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace maillage::services
