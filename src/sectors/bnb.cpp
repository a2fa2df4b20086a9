#include "sectors/bnb.hpp"

#include <algorithm>

#include "sectors/bound.hpp"

namespace maillage::sectors::detail {

namespace {

// Waiting tasks' assignments, all together, at most this many bytes: beyond it, a thread keeps
// its open nodes and searches on depth first.
constexpr long kPoolBytes = 128L << 20;

// Heap order of the pool: the task with the lowest bound on top, the one with the most nodes
// assigned among equals (it is nearer its leaves: the pool grows less).
bool lowest_bound_first(const TreeSearch::Task& a, const TreeSearch::Task& b) {
  return a.bound != b.bound ? a.bound > b.bound : a.assigned < b.assigned;
}

}  // namespace

// One thread's depth-first search over partial assignments, undoing its changes on the way back.
class Worker {
 public:
  Worker(const Graph& g, TreeSearch& tree) : g_(g), tree_(tree), bound_(g) {}

  // The task's subtree: a lower bound on the cut of every feasible completion in it, or a value
  // >= the cutoff when it holds nothing better (kNoCompletion: nothing feasible); when
  // interrupted, the bound of what is left unexplored (subtrees given away not included).
  int run(TreeSearch::Task& task) {
    frames_.clear();
    trail_.clear();
    tree_.unpack(task, part_);
    const int r = explore(part_, task.opened, task.bound);
    tree_.nodes_ += nodes_;
    nodes_ = 0;
    return r;
  }

 private:
  struct Frame {
    int node, next, labels, opened, bound;
    std::size_t trail;  // trail_ size when the frame was made: later entries are deeper
  };

  int cutoff() const {
    const int c = tree_.best_.cut();
    return c < 0 ? kNoCompletion : c;
  }

  // `parent`: a bound valid for the parent's subtree, hence for this one too.
  int explore(std::vector<int>& part, int opened, int parent) {
    // The clock at every node: a bound costs far more than reading it.
    ++nodes_;
    if (tree_.stop_.load(std::memory_order_relaxed) || Clock::now() >= tree_.deadline_) {
      tree_.timed_out_ = true;
      tree_.interrupted_ = true;
    }
    if (tree_.max_nodes_ > 0 &&
        tree_.nodes_.load(std::memory_order_relaxed) + nodes_ > tree_.max_nodes_)
      tree_.interrupted_ = true;
    const int raw = bound_(part, cutoff());
    // The bound is not monotone (cells are grown greedily): the parent's may be higher.
    const int b = raw >= kNoCompletion ? raw : std::max(raw, parent);
    if (b >= cutoff() || tree_.interrupted_.load(std::memory_order_relaxed)) return b;
    // Nodes the bound deduced are assigned for the whole subtree (undone on the way back).
    const std::size_t trail = trail_.size();
    for (const auto& [u, j] : bound_.forced()) {
      part[u] = j;
      trail_.push_back(u);
    }
    const int result = branch(part, opened, b, raw);
    while (trail_.size() > trail) {
      part[trail_.back()] = -1;
      trail_.pop_back();
    }
    return result;
  }

  int branch(std::vector<int>& part, int opened, int b, int raw) {
    const int v = bound_.branch_node();
    if (v < 0) {  // every node assigned: raw is the cut
      if (!feasible(g_, part)) return kNoCompletion;
      tree_.best_.offer(part, raw);
      return raw;
    }
    const int labels = opened >= 0 ? std::min(g_.k, opened + 1) : g_.k;
    // A long run hands all its open nodes back to the pool, which serves the lowest bound
    // first: the proven bound then rises when the search stops early, instead of staying at
    // that of the shallow siblings a single dive leaves behind.
    // (Not beyond about 32 MB of waiting tasks: with many units and sectors a spill holds
    // thousands.)
    if (nodes_ >= tree_.run_nodes_ && !frames_.empty() &&
        static_cast<long>(tree_.pooled_.load(std::memory_order_relaxed)) * tree_.task_bytes_ <
            kPoolBytes) {
      spill(part, opened, b);
      return kNoCompletion;
    }
    if (tree_.hungry_.load(std::memory_order_relaxed) > 0 &&
        tree_.pooled_.load(std::memory_order_relaxed) == 0)
      share(part);
    frames_.push_back({v, 0, labels, opened, b, trail_.size()});
    const std::size_t me = frames_.size() - 1;
    int result = kNoCompletion;
    while (frames_[me].next < frames_[me].labels) {
      if (tree_.interrupted_.load(std::memory_order_relaxed)) {
        // No time to bound the children left: this node's bound holds for them.
        result = std::min(result, b);
        break;
      }
      const int j = frames_[me].next++;
      part[v] = j;
      result = std::min(result, explore(part, opened >= 0 ? std::max(opened, j + 1) : -1, b));
    }
    part[v] = -1;
    frames_.pop_back();
    return result;
  }

  // The unexplored siblings at frame f and above it (nearest the root first) as tasks; the
  // frames are left with nothing more to explore there.
  void siblings(const std::vector<int>& part, std::size_t f, std::vector<TreeSearch::Task>& tasks) {
    Frame& fr = frames_[f];
    if (fr.next >= fr.labels) return;
    std::vector<int> base = part;
    for (std::size_t d = f + 1; d < frames_.size(); ++d) base[frames_[d].node] = -1;
    for (std::size_t t = fr.trail; t < trail_.size(); ++t) base[trail_[t]] = -1;
    for (int j = fr.next; j < fr.labels; ++j) {
      base[fr.node] = j;
      tasks.push_back(
          tree_.make_task(base, fr.opened >= 0 ? std::max(fr.opened, j + 1) : -1, fr.bound));
    }
    fr.labels = fr.next;
  }

  // Gives the unexplored siblings nearest the root (the largest subtrees) to idle threads.
  void share(const std::vector<int>& part) {
    std::vector<TreeSearch::Task> tasks;
    for (std::size_t f = 0; f < frames_.size() && tasks.empty(); ++f) siblings(part, f, tasks);
    if (!tasks.empty()) tree_.donate(tasks);
  }

  // Gives every open node back: the siblings left at each frame and the current node (its
  // forced nodes included: they hold in its whole subtree).
  void spill(const std::vector<int>& part, int opened, int b) {
    std::vector<TreeSearch::Task> tasks;
    for (std::size_t f = 0; f < frames_.size(); ++f) siblings(part, f, tasks);
    tasks.push_back(tree_.make_task(part, opened, b));
    tree_.donate(tasks);
  }

  const Graph& g_;
  TreeSearch& tree_;
  PartialBound bound_;
  std::vector<Frame> frames_;
  std::vector<int> trail_;  // nodes assigned by deduction, deepest last
  std::vector<int> part_;   // the task being explored
  long nodes_ = 0;
};

TreeSearch::TreeSearch(const Graph& g, Incumbent& best, Clock::time_point deadline,
                       const std::atomic<bool>& stop, long run_nodes, long max_nodes)
    : g_(g),
      best_(best),
      deadline_(deadline),
      stop_(stop),
      run_nodes_(run_nodes),
      max_nodes_(max_nodes),
      result_(kNoCompletion) {
  // Without fixed nodes the sectors are interchangeable: a node may open only the next new one.
  const bool symmetric = std::all_of(g.fixed.begin(), g.fixed.end(), [](int f) { return f < 0; });
  task_bytes_ = g.k < 255 ? g.n : 4L * g.n;
  pool_.push_back(make_task(g.fixed, symmetric ? 0 : -1, 0));
}

TreeSearch::Task TreeSearch::make_task(const std::vector<int>& part, int opened, int bound) const {
  Task t;
  if (g_.k < 255) {
    t.packed.resize(part.size());
    for (std::size_t v = 0; v < part.size(); ++v)
      t.packed[v] = static_cast<std::uint8_t>(part[v] + 1);
  } else {
    t.wide = part;
  }
  t.opened = opened;
  t.bound = bound;
  t.assigned =
      static_cast<int>(std::count_if(part.begin(), part.end(), [](int x) { return x >= 0; }));
  return t;
}

void TreeSearch::unpack(const Task& task, std::vector<int>& part) const {
  if (g_.k < 255) {
    part.resize(task.packed.size());
    for (std::size_t v = 0; v < part.size(); ++v) part[v] = static_cast<int>(task.packed[v]) - 1;
  } else {
    part = task.wide;
  }
}

void TreeSearch::donate(std::vector<Task>& tasks) {
  std::lock_guard lock(mutex_);
  for (auto& t : tasks) {
    pool_.push_back(std::move(t));
    std::push_heap(pool_.begin(), pool_.end(), lowest_bound_first);
  }
  pooled_ = static_cast<int>(pool_.size());
  wake_.notify_all();
}

void TreeSearch::work() {
  Worker worker(g_, *this);
  std::unique_lock lock(mutex_);
  for (;;) {
    if (done_) return;
    if (!pool_.empty()) {
      std::pop_heap(pool_.begin(), pool_.end(), lowest_bound_first);
      Task task = std::move(pool_.back());
      pool_.pop_back();
      pooled_ = static_cast<int>(pool_.size());
      if (interrupted_.load()) {  // no time to look closer: the bound it came with
        result_ = std::min(result_, task.bound);
        continue;
      }
      ++busy_;
      lock.unlock();
      const int r = worker.run(task);
      lock.lock();
      --busy_;
      result_ = std::min(result_, r);
      continue;
    }
    if (busy_ == 0) {
      done_ = true;
      wake_.notify_all();
      return;
    }
    ++hungry_;
    wake_.wait(lock, [&] { return done_ || !pool_.empty() || busy_ == 0; });
    --hungry_;
  }
}

ExactResult TreeSearch::result() const {
  ExactResult out;
  const int incumbent = best_.cut();
  if (!interrupted_.load()) {
    out.proven = true;
    out.infeasible = incumbent < 0;
    out.lower_bound = incumbent < 0 ? 0 : incumbent;
  } else {
    out.lower_bound = incumbent < 0 ? result_ : std::min(result_, incumbent);
    if (out.lower_bound >= kNoCompletion) out.lower_bound = 0;
  }
  out.rounds = 1;
  return out;
}

}  // namespace maillage::sectors::detail
