// Interactions: the sparse user x item matrix every model in recommend/ trains on, built from
// (user, item, value[, time]) triples with string ids mapped to dense indices in order of first
// appearance. Values are signed evidence: a positive value is a preference with that strength
// (plays, completions, likes), a negative one is evidence against (skips outweighing plays);
// models read the sign as the preference and the magnitude as the confidence
// (docs/recommendations.md, "Confidence").
//
// Readers: a `user item count [time]` text file (ReadInteractionsFile) and the project's own
// tables (history_loader.h). The matrix is immutable once built and safe to share between
// threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"

namespace sonora::recommend {

// String ids <-> dense indices [0, size()), in order of first Add.
class IdMap {
 public:
  // The index of `id`, adding it when new.
  int32_t Intern(std::string_view id);
  // The index of `id`, or -1 when unknown.
  int32_t Find(std::string_view id) const;
  const std::string& id(int32_t index) const { return ids_[static_cast<size_t>(index)]; }
  int32_t size() const { return static_cast<int32_t>(ids_.size()); }
  const std::vector<std::string>& ids() const { return ids_; }

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, int32_t> index_;
};

// One stored interaction, as the reader saw it (kept for splitting by time).
struct Interaction {
  int32_t user = 0;
  int32_t item = 0;
  float value = 0;   // signed evidence, see the file comment; never 0 in a built matrix
  int64_t time = 0;  // unix ms, or input order when the source has no times
};

// Compressed sparse rows: row r's entries are cols[offsets[r] .. offsets[r+1]), with values,
// columns ascending.
struct SparseRows {
  std::vector<int64_t> offsets;  // size rows + 1
  std::vector<int32_t> cols;
  std::vector<float> values;

  int32_t rows() const { return offsets.empty() ? 0 : static_cast<int32_t>(offsets.size() - 1); }
  std::span<const int32_t> Cols(int32_t r) const {
    return {cols.data() + offsets[r], static_cast<size_t>(offsets[r + 1] - offsets[r])};
  }
  std::span<const float> Values(int32_t r) const {
    return {values.data() + offsets[r], static_cast<size_t>(offsets[r + 1] - offsets[r])};
  }
  int64_t RowSize(int32_t r) const { return offsets[r + 1] - offsets[r]; }
};

// The user x item matrix in both orientations (by user for user solves and recommendations, by
// item for item solves and co-listening).
class InteractionMatrix {
 public:
  InteractionMatrix() = default;

  int32_t users() const { return by_user_.rows(); }
  int32_t items() const { return by_item_.rows(); }
  int64_t nnz() const { return static_cast<int64_t>(by_user_.cols.size()); }
  const SparseRows& by_user() const { return by_user_; }
  const SparseRows& by_item() const { return by_item_; }

  // Builds from interactions whose user < users and item < items. Duplicate (user, item) pairs
  // are summed; pairs that sum to 0 are dropped.
  static InteractionMatrix FromInteractions(std::span<const Interaction> interactions,
                                            int32_t users, int32_t items);

 private:
  SparseRows by_user_, by_item_;
};

// BM25 re-weighting (the Okapi formula, as the implicit library applies it to ALS input): each
// value r of user u and item i becomes
//   sign(r) * |r| (k1 + 1) / (k1 * norm_u + |r|) * idf_i,
//   idf_i = log(users) - log(1 + listeners_i),  norm_u = (1 - b) + b * total_u / mean total,
// so plays of tracks everyone plays count for less and heavy listeners do not dominate.
struct Bm25Options {
  float k1 = 100.0f;
  float b = 0.8f;
};
InteractionMatrix WeightBm25(const InteractionMatrix& matrix, const Bm25Options& options);

// Collects triples with string ids, then builds the matrix. Not thread-safe.
class InteractionBuilder {
 public:
  // Adds `value` of evidence for (user, item). `time` orders a user's interactions for
  // leave-last-out splits; when the source has none, pass the input order.
  void Add(std::string_view user, std::string_view item, float value, int64_t time);

  const IdMap& users() const { return users_; }
  const IdMap& items() const { return items_; }
  const std::vector<Interaction>& interactions() const { return interactions_; }
  // True when every Add came with a real time (the reader saw a time column on every line).
  bool has_times() const { return has_times_; }
  void set_has_times(bool has_times) { has_times_ = has_times; }

  InteractionMatrix Build() const;

 private:
  IdMap users_, items_;
  std::vector<Interaction> interactions_;
  bool has_times_ = false;
};

// What ReadInteractionsFile saw.
struct FileReadReport {
  int64_t lines = 0;      // non-empty, non-comment lines
  int64_t accepted = 0;   // lines turned into interactions
  int64_t malformed = 0;  // lines rejected (wrong field count, bad number, non-finite, <= 0)
  std::vector<int64_t> malformed_examples;  // line numbers of the first few malformed lines
};

inline constexpr size_t kMalformedExamples = 5;

// Reads `user item count [time]` lines separated by tabs or spaces; `#` starts a comment line.
// The count must be a finite number > 0 (a rating or a play count); time, when present, is an
// integer. If every accepted line has a time, the builder's has_times() is true and the split
// is leave-last-out by time; otherwise times are the line order and splits are seeded-random.
// Malformed lines are counted in `report`, never fatal.
// Errors: kNotFound when the file cannot be opened; kInvalidArgument (field "interactions")
// when no line was accepted.
Result<InteractionBuilder> ReadInteractionsFile(const std::string& path, FileReadReport& report);

}  // namespace sonora::recommend
