#include "recommend/interactions.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numeric>

namespace sonora::recommend {

int32_t IdMap::Intern(std::string_view id) {
  auto it = index_.find(std::string(id));
  if (it != index_.end()) return it->second;
  auto index = static_cast<int32_t>(ids_.size());
  ids_.emplace_back(id);
  index_.emplace(ids_.back(), index);
  return index;
}

int32_t IdMap::Find(std::string_view id) const {
  auto it = index_.find(std::string(id));
  return it == index_.end() ? -1 : it->second;
}

namespace {

struct Cell {
  int32_t row, col;
  float value;
};

// Sorts cells by (row, col), sums duplicates, drops zeros, and lays them out as CSR.
SparseRows ToRows(std::vector<Cell> cells, int32_t rows) {
  std::sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) {
    return a.row != b.row ? a.row < b.row : a.col < b.col;
  });
  SparseRows out;
  out.offsets.assign(static_cast<size_t>(rows) + 1, 0);
  out.cols.reserve(cells.size());
  out.values.reserve(cells.size());
  size_t i = 0;
  while (i < cells.size()) {
    size_t j = i;
    float sum = 0;
    while (j < cells.size() && cells[j].row == cells[i].row && cells[j].col == cells[i].col) {
      sum += cells[j].value;
      ++j;
    }
    if (sum != 0) {
      out.cols.push_back(cells[i].col);
      out.values.push_back(sum);
      ++out.offsets[static_cast<size_t>(cells[i].row) + 1];
    }
    i = j;
  }
  std::partial_sum(out.offsets.begin(), out.offsets.end(), out.offsets.begin());
  return out;
}

}  // namespace

InteractionMatrix InteractionMatrix::FromInteractions(std::span<const Interaction> interactions,
                                                      int32_t users, int32_t items) {
  std::vector<Cell> cells;
  cells.reserve(interactions.size());
  for (const auto& x : interactions) cells.push_back({x.user, x.item, x.value});
  InteractionMatrix m;
  m.by_user_ = ToRows(cells, users);
  // The item orientation is the transpose of the already-merged user rows, so both agree.
  std::vector<Cell> transposed;
  transposed.reserve(m.by_user_.cols.size());
  for (int32_t u = 0; u < users; ++u) {
    auto cols = m.by_user_.Cols(u);
    auto values = m.by_user_.Values(u);
    for (size_t k = 0; k < cols.size(); ++k) transposed.push_back({cols[k], u, values[k]});
  }
  m.by_item_ = ToRows(std::move(transposed), items);
  return m;
}

InteractionMatrix WeightBm25(const InteractionMatrix& m, const Bm25Options& o) {
  const int32_t users = m.users();
  const auto& rows = m.by_user();
  std::vector<double> totals(static_cast<size_t>(users), 0.0);
  double sum = 0;
  for (int32_t u = 0; u < users; ++u) {
    for (float v : rows.Values(u)) totals[static_cast<size_t>(u)] += std::abs(v);
    sum += totals[static_cast<size_t>(u)];
  }
  const double mean = users > 0 && sum > 0 ? sum / users : 1.0;
  std::vector<Interaction> out;
  out.reserve(static_cast<size_t>(m.nnz()));
  for (int32_t u = 0; u < users; ++u) {
    const double norm = (1.0 - o.b) + o.b * totals[static_cast<size_t>(u)] / mean;
    auto cols = rows.Cols(u);
    auto values = rows.Values(u);
    for (size_t k = 0; k < cols.size(); ++k) {
      const double idf = std::log(static_cast<double>(users)) -
                         std::log1p(static_cast<double>(m.by_item().RowSize(cols[k])));
      const double r = std::abs(values[k]);
      double w = r * (o.k1 + 1.0) / (o.k1 * norm + r) * idf;
      // An item everyone has gets idf <= 0; keep a sliver of evidence rather than flip it.
      w = std::max(w, 1e-3);
      out.push_back({u, cols[k], static_cast<float>(values[k] > 0 ? w : -w), 0});
    }
  }
  return InteractionMatrix::FromInteractions(out, users, m.items());
}

void InteractionBuilder::Add(std::string_view user, std::string_view item, float value,
                             int64_t time) {
  interactions_.push_back({users_.Intern(user), items_.Intern(item), value, time});
}

InteractionMatrix InteractionBuilder::Build() const {
  return InteractionMatrix::FromInteractions(interactions_, users_.size(), items_.size());
}

namespace {

// Splits on runs of spaces and tabs (and a trailing \r from files written on Windows).
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

bool ParseFloat(std::string_view s, float& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

bool ParseInt(std::string_view s, int64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Result<InteractionBuilder> ReadInteractionsFile(const std::string& path, FileReadReport& report) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot open interactions file '" + path + "'");
  InteractionBuilder builder;
  bool all_timed = true;
  std::string line;
  int64_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    auto fields = Fields(line);
    if (fields.empty() || fields[0].front() == '#') continue;
    ++report.lines;
    float count = 0;
    int64_t time = 0;
    bool ok = (fields.size() == 3 || fields.size() == 4) && ParseFloat(fields[2], count) &&
              count > 0 && (fields.size() == 3 || ParseInt(fields[3], time));
    if (!ok) {
      ++report.malformed;
      if (report.malformed_examples.size() < kMalformedExamples) {
        report.malformed_examples.push_back(line_number);
      }
      continue;
    }
    if (fields.size() == 3) {
      all_timed = false;
      time = line_number;
    }
    builder.Add(fields[0], fields[1], count, time);
    ++report.accepted;
  }
  if (report.accepted == 0) {
    return Status::InvalidArgument("interactions",
                                   "no 'user item count' line in '" + path + "' was readable");
  }
  builder.set_has_times(all_timed);
  return builder;
}

}  // namespace sonora::recommend
