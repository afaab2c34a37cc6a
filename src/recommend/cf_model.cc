#include "recommend/cf_model.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>

#include "recommend/internal/als_solver.h"
#include "recommend/internal/parallel.h"

namespace sonora::recommend {

namespace {

// Rows per work chunk: small enough to balance heavy users across threads, large enough that
// the shared counter is not contended.
constexpr int64_t kRowGrain = 64;

Status CheckOptions(const AlsOptions& o) {
  if (o.factors < 1 || o.factors > 1024) {
    return Status::InvalidArgument("factors", "factors must be between 1 and 1024");
  }
  if (o.iterations < 0) return Status::InvalidArgument("iterations", "iterations must be >= 0");
  if (o.cg_steps < 1) return Status::InvalidArgument("cg_steps", "cg_steps must be >= 1");
  if (o.threads < 1 || o.threads > 256) {
    return Status::InvalidArgument("threads", "threads must be between 1 and 256");
  }
  if (!(o.regularization >= 0) || !std::isfinite(o.regularization)) {
    return Status::InvalidArgument("regularization", "regularization must be >= 0");
  }
  if (!(o.alpha >= 0) || !std::isfinite(o.alpha)) {
    return Status::InvalidArgument("alpha", "alpha must be >= 0");
  }
  if (!(o.epsilon > 0) || !std::isfinite(o.epsilon)) {
    return Status::InvalidArgument("epsilon", "epsilon must be > 0");
  }
  return Status();
}

// The extra diagonal of a row with `nnz` entries: lambda * max(1, nnz) when the regularization
// is scaled (the Gram matrix then carries no lambda), else 0 (lambda is in the Gram matrix).
float RowRidge(const AlsOptions& o, size_t nnz) {
  return o.scale_regularization ? o.regularization * static_cast<float>(std::max<size_t>(1, nnz))
                                : 0.0f;
}

// One half-sweep: re-solves every row of `solve` (rows x factors) against `fixed`.
void SolveSide(const SparseRows& rows, const std::vector<float>& fixed, int64_t fixed_rows,
               std::vector<float>& solve, const AlsOptions& o) {
  std::vector<float> gram;
  internal::Gram(fixed.data(), fixed_rows, o.factors,
                 o.scale_regularization ? 0.0f : o.regularization, gram);
  std::vector<std::vector<float>> confidence(static_cast<size_t>(o.threads));
  internal::ParallelChunks(
      rows.rows(), o.threads, kRowGrain, [&](int worker, int64_t begin, int64_t end) {
        auto& c = confidence[static_cast<size_t>(worker)];
        for (int64_t r = begin; r < end; ++r) {
          auto row = static_cast<int32_t>(r);
          auto values = rows.Values(row);
          c.resize(values.size());
          for (size_t k = 0; k < values.size(); ++k) c[k] = CellConfidence(o, values[k]);
          internal::SolveRowCg(gram.data(), fixed.data(), o.factors, rows.Cols(row), values, c,
                               RowRidge(o, values.size()), o.cg_steps,
                               solve.data() + r * o.factors);
        }
      });
}

// sum over rows of w_row |row|^2, with w_row = max(1, nnz) when scaled, else 1.
double RegularizationSum(const std::vector<float>& v, int factors, const SparseRows& rows,
                         bool scaled) {
  double total = 0;
  for (int64_t r = 0; r < rows.rows(); ++r) {
    double s = 0;
    for (int d = 0; d < factors; ++d) {
      const double x = v[static_cast<size_t>(r * factors + d)];
      s += x * x;
    }
    const auto nnz = rows.Cols(static_cast<int32_t>(r)).size();
    total += scaled ? s * static_cast<double>(std::max<size_t>(1, nnz)) : s;
  }
  return total;
}

}  // namespace

void ItemScores(const FactorModel& model, std::span<const float> query, std::vector<float>& out) {
  out.resize(static_cast<size_t>(model.items));
  if (model.items == 0) return;
  internal::InnerProducts(model.item_factors.data(), model.items, model.factors, query.data(),
                          out.data());
}

float CellConfidence(const AlsOptions& options, float value) {
  const float magnitude = std::abs(value);
  if (options.confidence == AlsConfidence::kLog) {
    return 1.0f + options.alpha * std::log1p(magnitude / options.epsilon);
  }
  return 1.0f + options.alpha * magnitude;
}

FactorModel InitialFactors(int32_t users, int32_t items, const AlsOptions& options) {
  FactorModel m;
  m.factors = options.factors;
  m.users = users;
  m.items = items;
  // Small positive values (as the implicit library does): large enough that the first sweep's
  // CG has a direction, small enough not to bias the solution.
  std::mt19937_64 rng(options.seed);
  std::uniform_real_distribution<float> dist(0.0f, 0.01f);
  m.user_factors.resize(static_cast<size_t>(users) * options.factors);
  m.item_factors.resize(static_cast<size_t>(items) * options.factors);
  for (auto& x : m.user_factors) x = dist(rng);
  for (auto& x : m.item_factors) x = dist(rng);
  return m;
}

double AlsLoss(const InteractionMatrix& matrix, const FactorModel& model,
               const AlsOptions& options) {
  const int f = model.factors;
  // sum over all cells of c (p - s)^2 = sum_u x_u^T (Y^T Y) x_u        (every cell as if c=1, p=0)
  //                                   + sum_observed c (p - s)^2 - s^2  (the correction)
  std::vector<float> gram;
  internal::Gram(model.item_factors.data(), model.items, f, 0.0f, gram);
  std::mutex mu;
  double total = 0;
  const auto& rows = matrix.by_user();
  internal::ParallelChunks(
      model.users, options.threads, 1024, [&](int, int64_t begin, int64_t end) {
        double part = internal::QuadraticSum(model.user_factors.data() + begin * f, end - begin, f,
                                             gram.data());
        for (int64_t u = begin; u < end; ++u) {
          auto x = model.User(static_cast<int32_t>(u));
          auto cols = rows.Cols(static_cast<int32_t>(u));
          auto values = rows.Values(static_cast<int32_t>(u));
          for (size_t k = 0; k < cols.size(); ++k) {
            auto y = model.Item(cols[k]);
            double s = 0;
            for (int d = 0; d < f; ++d) s += static_cast<double>(x[d]) * y[d];
            const double c = CellConfidence(options, values[k]);
            const double p = values[k] > 0 ? 1.0 : 0.0;
            part += c * (p - s) * (p - s) - s * s;
          }
        }
        std::lock_guard lock(mu);
        total += part;
      });
  const bool scaled = options.scale_regularization;
  total += static_cast<double>(options.regularization) *
           (RegularizationSum(model.user_factors, f, matrix.by_user(), scaled) +
            RegularizationSum(model.item_factors, f, matrix.by_item(), scaled));
  const double cells = static_cast<double>(model.users) * static_cast<double>(model.items);
  return cells > 0 ? total / cells : 0.0;
}

Result<FactorModel> TrainAls(const InteractionMatrix& matrix, FactorModel model,
                             const AlsOptions& options,
                             const std::function<void(const AlsIteration&)>& on_iteration) {
  if (Status s = CheckOptions(options); !s.ok()) return s;
  if (model.factors != options.factors || model.users != matrix.users() ||
      model.items != matrix.items() ||
      model.user_factors.size() != static_cast<size_t>(model.users) * model.factors ||
      model.item_factors.size() != static_cast<size_t>(model.items) * model.factors) {
    return Status::InvalidArgument("model", "starting factors do not match the matrix shape");
  }
  for (int it = 1; it <= options.iterations; ++it) {
    auto start = std::chrono::steady_clock::now();
    SolveSide(matrix.by_user(), model.item_factors, model.items, model.user_factors, options);
    SolveSide(matrix.by_item(), model.user_factors, model.users, model.item_factors, options);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (on_iteration) {
      on_iteration({.iteration = it, .loss = AlsLoss(matrix, model, options), .seconds = seconds});
    }
  }
  return model;
}

Result<FactorModel> TrainAls(const InteractionMatrix& matrix, const AlsOptions& options,
                             const std::function<void(const AlsIteration&)>& on_iteration) {
  if (Status s = CheckOptions(options); !s.ok()) return s;
  return TrainAls(matrix, InitialFactors(matrix.users(), matrix.items(), options), options,
                  on_iteration);
}

// File layout (little-endian, docs/recommendations.md "Factor file"):
//   8 bytes magic "SNRALSF\0", u32 version, u32 factors, u32 users, u32 items, u8 has_ids,
//   then when has_ids: users + items strings as (u32 length, bytes),
//   then users * factors f32, items * factors f32.
namespace {

constexpr char kMagic[8] = {'S', 'N', 'R', 'A', 'L', 'S', 'F', '\0'};
// Ids longer than this mark a corrupt file, not a real id.
constexpr uint32_t kMaxIdLength = 4096;

template <typename T>
void Put(std::ofstream& out, T v) {
  out.write(reinterpret_cast<const char*>(&v), sizeof v);
}
template <typename T>
bool Get(std::ifstream& in, T& v) {
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&v), sizeof v));
}

Status BadFile(const std::string& path, const std::string& why) {
  return Status::FailedPrecondition("bad_model_file", "model file '" + path + "': " + why);
}

}  // namespace

std::string FactorModelPath(const std::string& data_dir) {
  return data_dir + "/recommend/als_factors.bin";
}

Status SaveFactorModel(const FactorModel& model, const std::string& path) {
  const bool has_ids = !model.user_ids.empty() || !model.item_ids.empty();
  if (has_ids && (model.user_ids.size() != static_cast<size_t>(model.users) ||
                  model.item_ids.size() != static_cast<size_t>(model.items))) {
    return Status::InvalidArgument("model", "ids must be given for every user and item");
  }
  std::error_code dir_ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, dir_ec);
  if (dir_ec)
    return Status::Unavailable("cannot create '" + parent.string() + "': " + dir_ec.message());
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Unavailable("cannot write model file '" + tmp + "'");
    out.write(kMagic, sizeof kMagic);
    Put<uint32_t>(out, kFactorFileVersion);
    Put<uint32_t>(out, static_cast<uint32_t>(model.factors));
    Put<uint32_t>(out, static_cast<uint32_t>(model.users));
    Put<uint32_t>(out, static_cast<uint32_t>(model.items));
    Put<uint8_t>(out, has_ids ? 1 : 0);
    if (has_ids) {
      for (const auto* ids : {&model.user_ids, &model.item_ids}) {
        for (const auto& id : *ids) {
          Put<uint32_t>(out, static_cast<uint32_t>(id.size()));
          out.write(id.data(), static_cast<std::streamsize>(id.size()));
        }
      }
    }
    out.write(reinterpret_cast<const char*>(model.user_factors.data()),
              static_cast<std::streamsize>(model.user_factors.size() * sizeof(float)));
    out.write(reinterpret_cast<const char*>(model.item_factors.data()),
              static_cast<std::streamsize>(model.item_factors.size() * sizeof(float)));
    out.flush();
    if (!out) return Status::Unavailable("cannot write model file '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Unavailable("cannot rename '" + tmp + "': " + ec.message());
  return Status();
}

Result<FactorModel> LoadFactorModel(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Status::NotFound("no model file at '" + path + "'");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot open model file '" + path + "'");
  const auto file_size = std::filesystem::file_size(path, ec);
  if (ec) return BadFile(path, "cannot read its size");
  char magic[sizeof kMagic];
  if (!in.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0) {
    return BadFile(path, "not a Sonora factor file");
  }
  uint32_t version = 0, factors = 0, users = 0, items = 0;
  uint8_t has_ids = 0;
  if (!Get(in, version)) return BadFile(path, "truncated header");
  if (version != kFactorFileVersion) {
    return BadFile(path, "version " + std::to_string(version) + ", expected " +
                             std::to_string(kFactorFileVersion));
  }
  if (!Get(in, factors) || !Get(in, users) || !Get(in, items) || !Get(in, has_ids)) {
    return BadFile(path, "truncated header");
  }
  if (factors < 1 || factors > 1024 || has_ids > 1) return BadFile(path, "inconsistent header");
  // Check the float payload fits in the file before allocating for it.
  const uint64_t floats = (uint64_t{users} + items) * factors;
  if (floats * sizeof(float) > file_size) return BadFile(path, "truncated factors");
  FactorModel m;
  m.factors = static_cast<int>(factors);
  m.users = static_cast<int32_t>(users);
  m.items = static_cast<int32_t>(items);
  if (has_ids) {
    for (auto [ids, n] : {std::pair{&m.user_ids, users}, std::pair{&m.item_ids, items}}) {
      ids->reserve(n);
      for (uint32_t k = 0; k < n; ++k) {
        uint32_t length = 0;
        if (!Get(in, length) || length > kMaxIdLength) return BadFile(path, "truncated ids");
        std::string id(length, '\0');
        if (!in.read(id.data(), length)) return BadFile(path, "truncated ids");
        ids->push_back(std::move(id));
      }
    }
  }
  m.user_factors.resize(static_cast<size_t>(users) * factors);
  m.item_factors.resize(static_cast<size_t>(items) * factors);
  if (!in.read(reinterpret_cast<char*>(m.user_factors.data()),
               static_cast<std::streamsize>(m.user_factors.size() * sizeof(float))) ||
      !in.read(reinterpret_cast<char*>(m.item_factors.data()),
               static_cast<std::streamsize>(m.item_factors.size() * sizeof(float)))) {
    return BadFile(path, "truncated factors");
  }
  if (in.peek() != std::char_traits<char>::eof()) return BadFile(path, "trailing bytes");
  return m;
}

}  // namespace sonora::recommend
