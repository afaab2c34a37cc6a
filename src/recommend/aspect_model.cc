#include "recommend/aspect_model.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "recommend/internal/parallel.h"
#include "recommend/kmeans.h"

namespace sonora::recommend {

namespace {

constexpr int64_t kUserGrain = 64;
// At the start, an item's weight on the topics other than its cluster's, as a fraction of its
// weight on its own (times a uniform random number).
constexpr double kInitialSpill = 0.1;

Status CheckOptions(const AspectOptions& o) {
  if (o.topics < 1 || o.topics > 1024) {
    return Status::InvalidArgument("topics", "topics must be between 1 and 1024");
  }
  if (o.iterations < 0) return Status::InvalidArgument("iterations", "iterations must be >= 0");
  if (o.inner_steps < 1) return Status::InvalidArgument("inner_steps", "inner_steps must be >= 1");
  if (o.restarts < 1 || o.restarts > 1000) {
    return Status::InvalidArgument("restarts", "restarts must be between 1 and 1000");
  }
  if (!(o.alpha > 0) || !std::isfinite(o.alpha)) {
    return Status::InvalidArgument("alpha", "alpha must be > 0");
  }
  if (!(o.beta > 0) || !std::isfinite(o.beta)) {
    return Status::InvalidArgument("beta", "beta must be > 0");
  }
  if (o.threads < 1 || o.threads > 256) {
    return Status::InvalidArgument("threads", "threads must be between 1 and 256");
  }
  return Status();
}

// The digamma function psi(x) for x > 0: the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 6,
// then the asymptotic series.
double Digamma(double x) {
  double result = 0;
  while (x < 6) {
    result -= 1 / x;
    x += 1;
  }
  const double f = 1 / (x * x);
  return result + std::log(x) - 0.5 / x -
         f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))));
}

// The positive cells of the matrix by user, with their weights: the only data training reads.
struct Cells {
  std::vector<int64_t> offsets;  // users + 1
  std::vector<int32_t> items;
  std::vector<float> weights;
  double total = 0;
};

Cells PositiveCells(const InteractionMatrix& matrix, AspectWeighting weighting) {
  Cells c;
  c.offsets.reserve(static_cast<size_t>(matrix.users()) + 1);
  c.offsets.push_back(0);
  for (int32_t u = 0; u < matrix.users(); ++u) {
    auto cols = matrix.by_user().Cols(u);
    auto values = matrix.by_user().Values(u);
    for (size_t k = 0; k < cols.size(); ++k) {
      const float w = AspectCellWeight(weighting, values[k]);
      if (w <= 0) continue;
      c.items.push_back(cols[k]);
      c.weights.push_back(w);
      c.total += w;
    }
    c.offsets.push_back(static_cast<int64_t>(c.items.size()));
  }
  return c;
}

// One user's variational update: `steps` rounds of responsibilities r_ik proportional to
// exp(E[ln theta_k]) exp(E[ln phi_ki]), then gamma_k = alpha_k + sum_i w_i r_ik. `gamma` is the
// warm start and the result; the last responsibilities are left in `resp` (cells x topics)
// when it is not null.
void UpdateUser(std::span<const int32_t> items, std::span<const float> weights,
                const float* exp_elog_phi, int topics, const double* alpha, int steps,
                double* gamma, std::vector<double>& exp_elog_theta, float* resp) {
  exp_elog_theta.resize(static_cast<size_t>(topics));
  std::vector<double> next(static_cast<size_t>(topics));
  for (int step = 0; step < steps; ++step) {
    double sum = 0;
    for (int k = 0; k < topics; ++k) sum += gamma[k];
    const double psi_sum = Digamma(sum);
    for (int k = 0; k < topics; ++k) exp_elog_theta[k] = std::exp(Digamma(gamma[k]) - psi_sum);
    std::copy(alpha, alpha + topics, next.begin());
    for (size_t c = 0; c < items.size(); ++c) {
      const float* phi = exp_elog_phi + static_cast<size_t>(items[c]) * topics;
      double norm = 0;
      for (int k = 0; k < topics; ++k) norm += exp_elog_theta[k] * phi[k];
      const double scale = norm > 0 ? weights[c] / norm : 0.0;
      for (int k = 0; k < topics; ++k) {
        const double r = exp_elog_theta[k] * phi[k] * scale;  // w * r_ik
        next[k] += r;
        if (resp != nullptr && step == steps - 1) {
          resp[c * topics + k] = static_cast<float>(norm > 0 ? r / weights[c] : 0.0);
        }
      }
    }
    std::copy(next.begin(), next.end(), gamma);
  }
}

// One training run from random topics seeded with `seed`.
AspectModel TrainOnce(const InteractionMatrix& matrix, const Cells& cells, const AspectOptions& o,
                      uint64_t seed, int restart,
                      const std::function<void(const AspectIteration&)>& on_iteration) {
  const int k_topics = o.topics;
  const int32_t users = matrix.users(), items = matrix.items();
  const auto K = static_cast<size_t>(k_topics);

  // lambda (items x topics) starts from a hard clustering of the items by co-listening: each
  // item's column is projected to kProjection random +-1 dimensions (one random sign per user
  // and dimension), and spherical k-means (kmeans.h, seeded k-means++) groups the projections.
  // An item puts most of its weight on its cluster's topic and a little, with noise, on the
  // others; a plain random start lets the topics collapse into one another under the priors.
  constexpr int kProjection = 64;
  std::vector<double> item_total(static_cast<size_t>(items), 0.0);
  for (size_t c = 0; c < cells.items.size(); ++c) item_total[cells.items[c]] += cells.weights[c];
  std::mt19937_64 rng(seed);
  std::vector<float> projected(static_cast<size_t>(items) * kProjection, 0.0f);
  {
    std::vector<float> signs(kProjection);
    for (int32_t u = 0; u < users; ++u) {
      for (auto& x : signs) x = (rng() & 1) != 0 ? 1.0f : -1.0f;
      for (int64_t c = cells.offsets[u]; c < cells.offsets[u + 1]; ++c) {
        float* row = projected.data() + static_cast<size_t>(cells.items[c]) * kProjection;
        for (int d = 0; d < kProjection; ++d) row[d] += cells.weights[c] * signs[d];
      }
    }
    for (int32_t i = 0; i < items; ++i) {
      float* row = projected.data() + static_cast<size_t>(i) * kProjection;
      double norm = 0;
      for (int d = 0; d < kProjection; ++d) norm += static_cast<double>(row[d]) * row[d];
      if (norm > 0) {
        const auto inv = static_cast<float>(1 / std::sqrt(norm));
        for (int d = 0; d < kProjection; ++d) row[d] *= inv;
      }
    }
  }
  const Clustering clusters =
      SphericalKMeans(projected, kProjection, item_total, k_topics, rng(), 50);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> lambda(static_cast<size_t>(items) * K);
  for (int32_t i = 0; i < items; ++i) {
    const int own = clusters.assignment.empty() ? 0 : clusters.assignment[i] % k_topics;
    for (size_t k = 0; k < K; ++k) {
      const double share = static_cast<int>(k) == own ? 1.0 : kInitialSpill * unit(rng);
      lambda[static_cast<size_t>(i) * K + k] = o.beta + item_total[static_cast<size_t>(i)] * share;
    }
  }

  std::vector<double> alpha(K, static_cast<double>(o.alpha));
  std::vector<double> gamma(static_cast<size_t>(users) * K);
  for (int32_t u = 0; u < users; ++u) {
    double weight = 0;
    for (int64_t c = cells.offsets[u]; c < cells.offsets[u + 1]; ++c) weight += cells.weights[c];
    for (size_t k = 0; k < K; ++k) gamma[u * K + k] = alpha[k] + weight / k_topics;
  }

  std::vector<float> exp_elog_phi(static_cast<size_t>(items) * K);
  std::vector<double> elog_phi(static_cast<size_t>(items) * K);
  std::vector<double> topic_sum(K);
  auto refresh_phi = [&] {
    std::fill(topic_sum.begin(), topic_sum.end(), 0.0);
    for (int32_t i = 0; i < items; ++i) {
      for (size_t k = 0; k < K; ++k) topic_sum[k] += lambda[i * K + k];
    }
    std::vector<double> psi_sum(K);
    for (size_t k = 0; k < K; ++k) psi_sum[k] = Digamma(topic_sum[k]);
    internal::ParallelChunks(items, o.threads, 256, [&](int, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        for (size_t k = 0; k < K; ++k) {
          const size_t at = static_cast<size_t>(i) * K + k;
          elog_phi[at] = Digamma(lambda[at]) - psi_sum[k];
          exp_elog_phi[at] = static_cast<float>(std::exp(elog_phi[at]));
        }
      }
    });
  };
  refresh_phi();

  std::vector<float> resp(cells.items.size() * K);
  std::vector<std::vector<double>> scratch(static_cast<size_t>(o.threads));
  std::vector<double> user_bound(static_cast<size_t>(users));

  // The evidence lower bound at (gamma, the optimal responsibilities, lambda):
  //   sum_u [ln G(K a) - K ln G(a) + sum_k (a - g_uk) E ln th_uk + sum_k ln G(g_uk) - ln G(sum
  //   g_u)]
  // + sum_ui w_ui ln sum_k exp(E ln th_uk + E ln phi_ki)
  // + sum_k [ln G(V b) - V ln G(b) + sum_i (b - l_ki) E ln phi_ki + sum_i ln G(l_ki)
  //          - ln G(sum_i l_ki)]
  // lgamma runs on one thread (it writes the global signgam).
  auto bound = [&]() {
    internal::ParallelChunks(users, o.threads, kUserGrain, [&](int, int64_t begin, int64_t end) {
      std::vector<double> elog_theta(K);
      for (int64_t u = begin; u < end; ++u) {
        const double* g = gamma.data() + u * K;
        const double psi_sum = Digamma(std::accumulate(g, g + K, 0.0));
        for (size_t k = 0; k < K; ++k) elog_theta[k] = Digamma(g[k]) - psi_sum;
        double data = 0;
        for (int64_t c = cells.offsets[u]; c < cells.offsets[u + 1]; ++c) {
          const double* lp = elog_phi.data() + static_cast<size_t>(cells.items[c]) * K;
          double best = -INFINITY;
          for (size_t k = 0; k < K; ++k) best = std::max(best, elog_theta[k] + lp[k]);
          double s = 0;
          for (size_t k = 0; k < K; ++k) s += std::exp(elog_theta[k] + lp[k] - best);
          data += cells.weights[c] * (best + std::log(s));
        }
        double prior = 0;
        for (size_t k = 0; k < K; ++k) prior += (alpha[k] - g[k]) * elog_theta[k];
        user_bound[u] = data + prior;
      }
    });
    double total = 0;
    for (int32_t u = 0; u < users; ++u) {
      const double* g = gamma.data() + static_cast<size_t>(u) * K;
      double gamma_terms = -std::lgamma(std::accumulate(g, g + K, 0.0));
      for (size_t k = 0; k < K; ++k) gamma_terms += std::lgamma(g[k]);
      total += user_bound[u] + gamma_terms;
    }
    double alpha_terms = std::lgamma(std::accumulate(alpha.begin(), alpha.end(), 0.0));
    for (size_t k = 0; k < K; ++k) alpha_terms -= std::lgamma(alpha[k]);
    total += users * alpha_terms;
    for (size_t k = 0; k < K; ++k) {
      double t = std::lgamma(items * static_cast<double>(o.beta)) -
                 items * std::lgamma(static_cast<double>(o.beta)) - std::lgamma(topic_sum[k]);
      for (int32_t i = 0; i < items; ++i) {
        const size_t at = static_cast<size_t>(i) * K + k;
        t += (o.beta - lambda[at]) * elog_phi[at] + std::lgamma(lambda[at]);
      }
      total += t;
    }
    return cells.total > 0 ? total / cells.total : 0.0;
  };

  double last_bound = 0;
  for (int it = 1; it <= o.iterations; ++it) {
    auto start = std::chrono::steady_clock::now();
    // E-step: every user against the current topics.
    internal::ParallelChunks(
        users, o.threads, kUserGrain, [&](int worker, int64_t begin, int64_t end) {
          for (int64_t u = begin; u < end; ++u) {
            const int64_t first = cells.offsets[u], last = cells.offsets[u + 1];
            const auto n = static_cast<size_t>(last - first);
            UpdateUser({cells.items.data() + first, n}, {cells.weights.data() + first, n},
                       exp_elog_phi.data(), k_topics, alpha.data(), o.inner_steps,
                       gamma.data() + u * K, scratch[static_cast<size_t>(worker)],
                       resp.data() + static_cast<size_t>(first) * K);
          }
        });
    // M-step: lambda_ki = beta + sum_u w_ui r_uik, one topic per task, cells in a fixed order.
    internal::ParallelChunks(k_topics, o.threads, 1, [&](int, int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) {
        for (int32_t i = 0; i < items; ++i) lambda[static_cast<size_t>(i) * K + k] = o.beta;
        for (size_t c = 0; c < cells.items.size(); ++c) {
          lambda[static_cast<size_t>(cells.items[c]) * K + k] +=
              static_cast<double>(cells.weights[c]) * resp[c * K + k];
        }
      }
    });
    refresh_phi();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    last_bound = bound();
    if (on_iteration) {
      on_iteration({.restart = restart, .iteration = it, .bound = last_bound, .seconds = seconds});
    }
  }
  if (o.iterations == 0) last_bound = bound();

  AspectModel m;
  m.topics = k_topics;
  m.users = users;
  m.items = items;
  m.alpha.assign(alpha.begin(), alpha.end());
  m.bound = last_bound;
  m.restart = restart;
  m.user_topics.resize(static_cast<size_t>(users) * K);
  for (int32_t u = 0; u < users; ++u) {
    const double* g = gamma.data() + static_cast<size_t>(u) * K;
    const double sum = std::accumulate(g, g + K, 0.0);
    for (size_t k = 0; k < K; ++k) m.user_topics[u * K + k] = static_cast<float>(g[k] / sum);
  }
  m.item_topics.resize(static_cast<size_t>(items) * K);
  for (int32_t i = 0; i < items; ++i) {
    for (size_t k = 0; k < K; ++k) {
      m.item_topics[i * K + k] = static_cast<float>(lambda[i * K + k] / topic_sum[k]);
    }
  }
  return m;
}

}  // namespace

float AspectCellWeight(AspectWeighting weighting, float value) {
  if (!(value > 0)) return 0.0f;
  switch (weighting) {
    case AspectWeighting::kBinary:
      return 1.0f;
    case AspectWeighting::kLog:
      return std::log1p(value);
    case AspectWeighting::kCount:
      return value;
  }
  return 0.0f;
}

Result<AspectModel> TrainAspect(const InteractionMatrix& matrix, const AspectOptions& options,
                                const std::function<void(const AspectIteration&)>& on_iteration) {
  if (Status s = CheckOptions(options); !s.ok()) return s;
  const Cells cells = PositiveCells(matrix, options.weighting);
  if (cells.items.empty()) {
    return Status::InvalidArgument("matrix", "no positive interaction to fit topics to");
  }
  AspectModel best;
  for (int r = 0; r < options.restarts; ++r) {
    AspectModel m =
        TrainOnce(matrix, cells, options, options.seed + static_cast<uint64_t>(r), r, on_iteration);
    if (r == 0 || m.bound > best.bound) best = std::move(m);
  }
  return best;
}

Result<std::vector<AspectModel>> TrainAspectRestarts(
    const InteractionMatrix& matrix, const AspectOptions& options, int keep,
    const std::function<void(const AspectIteration&)>& on_iteration) {
  if (Status s = CheckOptions(options); !s.ok()) return s;
  if (keep < 1 || keep > options.restarts) {
    return Status::InvalidArgument("ensemble", "the ensemble must keep 1 to restarts models");
  }
  const Cells cells = PositiveCells(matrix, options.weighting);
  if (cells.items.empty()) {
    return Status::InvalidArgument("matrix", "no positive interaction to fit topics to");
  }
  std::vector<AspectModel> models;
  models.reserve(static_cast<size_t>(options.restarts));
  for (int r = 0; r < options.restarts; ++r) {
    models.push_back(TrainOnce(matrix, cells, options, options.seed + static_cast<uint64_t>(r), r,
                               on_iteration));
  }
  // Best bound first; equal bounds keep the earlier restart first.
  std::stable_sort(models.begin(), models.end(),
                   [](const AspectModel& a, const AspectModel& b) { return a.bound > b.bound; });
  models.resize(static_cast<size_t>(keep));
  return models;
}

std::vector<float> FoldInAspectUser(const AspectModel& model, std::span<const int32_t> cols,
                                    std::span<const float> values, AspectWeighting weighting,
                                    int steps) {
  const int k_topics = model.topics;
  std::vector<int32_t> items;
  std::vector<float> weights;
  for (size_t c = 0; c < cols.size() && c < values.size(); ++c) {
    const float w = AspectCellWeight(weighting, values[c]);
    if (w <= 0 || cols[c] < 0 || cols[c] >= model.items) continue;
    items.push_back(cols[c]);
    weights.push_back(w);
  }
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  std::vector<double> alpha(model.alpha.begin(), model.alpha.end());
  alpha.resize(static_cast<size_t>(k_topics), alpha.empty() ? 1.0 : alpha.back());
  std::vector<double> gamma(static_cast<size_t>(k_topics));
  for (int k = 0; k < k_topics; ++k) gamma[k] = alpha[k] + total / k_topics;
  // The stored topics are E[phi]; the fold-in uses them in place of exp(E[ln phi]).
  std::vector<double> scratch;
  UpdateUser(items, weights, model.item_topics.data(), k_topics, alpha.data(), std::max(1, steps),
             gamma.data(), scratch, nullptr);
  const double sum = std::accumulate(gamma.begin(), gamma.end(), 0.0);
  std::vector<float> theta(static_cast<size_t>(k_topics));
  for (int k = 0; k < k_topics; ++k) theta[k] = static_cast<float>(gamma[k] / sum);
  return theta;
}

FactorModel AspectFactors(const AspectModel& model) {
  FactorModel f;
  f.factors = model.topics;
  f.users = model.users;
  f.items = model.items;
  f.user_factors = model.user_topics;
  f.item_factors = model.item_topics;
  return f;
}

Result<FactorModel> AspectEnsembleFactors(std::span<const AspectModel> models) {
  if (models.empty()) return Status::InvalidArgument("models", "no aspect model to combine");
  FactorModel f;
  f.users = models[0].users;
  f.items = models[0].items;
  for (const AspectModel& m : models) {
    if (m.users != f.users || m.items != f.items) {
      return Status::InvalidArgument("models",
                                     "combined models must have the same users and items");
    }
    f.factors += m.topics;
  }
  const auto width = static_cast<size_t>(f.factors);
  const auto share = static_cast<float>(1.0 / static_cast<double>(models.size()));
  f.user_factors.resize(static_cast<size_t>(f.users) * width);
  f.item_factors.resize(static_cast<size_t>(f.items) * width);
  size_t at = 0;  // the first column of the current model's block
  for (const AspectModel& m : models) {
    for (int32_t u = 0; u < f.users; ++u) {
      auto row = m.User(u);
      float* out = f.user_factors.data() + static_cast<size_t>(u) * width + at;
      for (size_t k = 0; k < row.size(); ++k) out[k] = row[k] * share;
    }
    for (int32_t i = 0; i < f.items; ++i) {
      auto row = m.Item(i);
      std::copy(row.begin(), row.end(),
                f.item_factors.data() + static_cast<size_t>(i) * width + at);
    }
    at += static_cast<size_t>(m.topics);
  }
  return f;
}

Result<FactorModel> BlendFactorModels(const FactorModel& a, const FactorModel& b, float w) {
  if (a.users != b.users || a.items != b.items) {
    return Status::InvalidArgument("model", "blended models must have the same users and items");
  }
  if (!(w >= 0 && w <= 1)) {
    return Status::InvalidArgument("blend_weight", "blend weight must be in [0, 1]");
  }
  FactorModel f;
  f.factors = a.factors + b.factors;
  f.users = a.users;
  f.items = a.items;
  f.user_ids = a.user_ids;
  f.item_ids = a.item_ids;
  const auto fa = static_cast<size_t>(a.factors), fb = static_cast<size_t>(b.factors);
  f.item_factors.resize(static_cast<size_t>(f.items) * (fa + fb));
  for (int32_t i = 0; i < f.items; ++i) {
    auto ya = a.Item(i), yb = b.Item(i);
    float* out = f.item_factors.data() + static_cast<size_t>(i) * (fa + fb);
    std::copy(ya.begin(), ya.end(), out);
    std::copy(yb.begin(), yb.end(), out + fa);
  }
  f.user_factors.resize(static_cast<size_t>(f.users) * (fa + fb));
  std::vector<float> scores;
  for (int32_t u = 0; u < f.users; ++u) {
    float* out = f.user_factors.data() + static_cast<size_t>(u) * (fa + fb);
    ItemScores(a, a.User(u), scores);
    const float best_a = scores.empty() ? 0.0f : *std::max_element(scores.begin(), scores.end());
    ItemScores(b, b.User(u), scores);
    const float best_b = scores.empty() ? 0.0f : *std::max_element(scores.begin(), scores.end());
    const float scale_a = best_a > 0 ? (1 - w) / best_a : 0.0f;
    const float scale_b = best_b > 0 ? w / best_b : 0.0f;
    auto xa = a.User(u), xb = b.User(u);
    for (size_t d = 0; d < fa; ++d) out[d] = xa[d] * scale_a;
    for (size_t d = 0; d < fb; ++d) out[fa + d] = xb[d] * scale_b;
  }
  return f;
}

}  // namespace sonora::recommend
