// ALS training time per iteration on a generated population (default 100,000 users x 50,000
// tracks x 5,000,000 plays), run by bench/recommend/run beside the NumPy implementation in
// als_numpy.py. Writes the matrix and the starting factors to --out so the peer trains on the
// same data from the same start; prints one line per iteration and a JSON summary.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "recommend/cf_model.h"
#include "recommend/synthetic.h"

namespace {

using sonora::recommend::AlsOptions;

struct Args {
  int32_t users = 100000, items = 50000;
  int64_t interactions = 5000000;
  AlsOptions als{.factors = 64,
                 .iterations = 5,
                 .regularization = 0.1f,
                 .alpha = 10.0f,
                 .cg_steps = 3,
                 .threads = 2,
                 .seed = 42};
  std::string out;
};

bool Parse(int argc, char** argv, Args& a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--users")
      a.users = std::atoi(v);
    else if (k == "--items")
      a.items = std::atoi(v);
    else if (k == "--interactions")
      a.interactions = std::atoll(v);
    else if (k == "--factors")
      a.als.factors = std::atoi(v);
    else if (k == "--iterations")
      a.als.iterations = std::atoi(v);
    else if (k == "--threads")
      a.als.threads = std::atoi(v);
    else if (k == "--out")
      a.out = v;
    else
      return false;
  }
  return a.users > 0 && a.items > 0 && a.interactions > 0 && !a.out.empty();
}

template <typename T>
void WriteArray(std::ofstream& out, const std::vector<T>& v) {
  out.write(reinterpret_cast<const char*>(v.data()),
            static_cast<std::streamsize>(v.size() * sizeof(T)));
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!Parse(argc, argv, a)) {
    std::fprintf(stderr,
                 "usage: recommend_bench --out FILE [--users N] [--items N] [--interactions N]"
                 " [--factors K] [--iterations I] [--threads T]\n");
    return 2;
  }
  // Draws repeat (user, item) pairs, which merge into one cell; draw enough for the target.
  sonora::recommend::SyntheticOptions s{
      .users = a.users, .items = a.items, .clusters = 50, .zipf = 0.6, .seed = 1};
  s.mean_interactions = static_cast<int>(std::max<int64_t>(1, a.interactions / a.users));
  auto data = sonora::recommend::GenerateSynthetic(s);
  auto m =
      sonora::recommend::InteractionMatrix::FromInteractions(data.interactions, a.users, a.items);
  for (int round = 0; round < 3 && m.nnz() < a.interactions * 99 / 100; ++round) {
    s.mean_interactions = static_cast<int>(static_cast<double>(s.mean_interactions) *
                                               static_cast<double>(a.interactions) /
                                               static_cast<double>(std::max<int64_t>(1, m.nnz())) +
                                           0.5);
    data = sonora::recommend::GenerateSynthetic(s);
    m = sonora::recommend::InteractionMatrix::FromInteractions(data.interactions, a.users, a.items);
  }
  std::fprintf(stderr, "recommend_bench: %d users x %d items, %lld cells, %d factors, %d threads\n",
               m.users(), m.items(), static_cast<long long>(m.nnz()), a.als.factors, a.als.threads);

  auto start = sonora::recommend::InitialFactors(m.users(), m.items(), a.als);
  {
    // Layout for als_numpy.py: i64 users, items, nnz, factors; f32 alpha, lambda; i64 cg_steps;
    // then CSR by user (i64 offsets, i32 cols, f32 values), then f32 user and item factors.
    std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
    int64_t header[4] = {m.users(), m.items(), m.nnz(), a.als.factors};
    out.write(reinterpret_cast<const char*>(header), sizeof header);
    float hyper[2] = {a.als.alpha, a.als.regularization};
    out.write(reinterpret_cast<const char*>(hyper), sizeof hyper);
    int64_t steps = a.als.cg_steps;
    out.write(reinterpret_cast<const char*>(&steps), sizeof steps);
    WriteArray(out, m.by_user().offsets);
    WriteArray(out, m.by_user().cols);
    WriteArray(out, m.by_user().values);
    WriteArray(out, start.user_factors);
    WriteArray(out, start.item_factors);
    if (!out) {
      std::fprintf(stderr, "recommend_bench: cannot write %s\n", a.out.c_str());
      return 1;
    }
  }
  double total = 0, last_loss = 0;
  auto model = sonora::recommend::TrainAls(
      m, std::move(start), a.als, [&](const sonora::recommend::AlsIteration& it) {
        std::printf("sonora iteration %d: %.3f s, loss %.8f\n", it.iteration, it.seconds, it.loss);
        std::fflush(stdout);
        total += it.seconds;
        last_loss = it.loss;
      });
  if (!model.ok()) {
    std::fprintf(stderr, "recommend_bench: %s\n", model.status().ToString().c_str());
    return 1;
  }
  std::printf(
      "{\"impl\":\"sonora\",\"users\":%d,\"items\":%d,\"nnz\":%lld,\"factors\":%d,"
      "\"threads\":%d,\"iterations\":%d,\"seconds_per_iteration\":%.4f,\"loss\":%.8f}\n",
      m.users(), m.items(), static_cast<long long>(m.nnz()), a.als.factors, a.als.threads,
      a.als.iterations, total / std::max(1, a.als.iterations), last_loss);
  return 0;
}
