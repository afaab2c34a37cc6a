#include "search/text.h"

#include <algorithm>
#include <functional>
#include <unordered_set>

#include "core/strings.h"

namespace sonora::search {

namespace {

// Folded forms of U+00C0..U+00FF; "" for the two signs (×, ÷), which separate words.
constexpr const char* kLatin1[64] = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// Latin Extended-A (U+0100..U+017F) as ranges of the same base letter.
struct FoldRange {
  char32_t first, last;
  const char* folded;
};
constexpr FoldRange kLatinExtA[] = {
    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},  {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"},
    {0x11C, 0x123, "g"}, {0x124, 0x127, "h"},  {0x128, 0x131, "i"}, {0x132, 0x133, "ij"},
    {0x134, 0x135, "j"}, {0x136, 0x138, "k"},  {0x139, 0x142, "l"}, {0x143, 0x14B, "n"},
    {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"}, {0x154, 0x159, "r"}, {0x15A, 0x161, "s"},
    {0x162, 0x167, "t"}, {0x168, 0x173, "u"},  {0x174, 0x175, "w"}, {0x176, 0x178, "y"},
    {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"}};

enum class Kind { kLetter, kSeparator, kDrop };

void Encode(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

// Classifies `c` and appends its folded form to `out` when it is part of a word.
Kind FoldCodePoint(char32_t c, std::string* out) {
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') {
      out->push_back(static_cast<char>(c - 'A' + 'a'));
      return Kind::kLetter;
    }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      out->push_back(static_cast<char>(c));
      return Kind::kLetter;
    }
    return c == '\'' ? Kind::kDrop : Kind::kSeparator;
  }
  if (c == 0x2019 || c == 0x02BC || c == 0x2018) return Kind::kDrop;  // typographic apostrophes
  if (c >= 0x300 && c <= 0x36F) return Kind::kDrop;                   // combining accents
  if (c < 0xC0) return Kind::kSeparator;  // Latin-1 punctuation, NBSP, controls
  if (c <= 0xFF) {
    const char* f = kLatin1[c - 0xC0];
    if (*f == '\0') return Kind::kSeparator;
    out->append(f);
    return Kind::kLetter;
  }
  if (c <= 0x17F) {
    for (const auto& r : kLatinExtA) {
      if (c >= r.first && c <= r.last) {
        out->append(r.folded);
        return Kind::kLetter;
      }
    }
  }
  // Punctuation and symbol blocks separate words.
  if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
      (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF0F) ||
      (c >= 0xFFF0 && c <= 0xFFFF) ||  // Specials: U+FFFD stands where bytes were invalid
      (c >= 0x1F000 && c <= 0x1FAFF)) {
    return Kind::kSeparator;
  }
  // Greek and Cyrillic capitals fold to small letters; other scripts stay as they are.
  if (c >= 0x391 && c <= 0x3A9)
    c += 0x20;
  else if (c >= 0x410 && c <= 0x42F)
    c += 0x20;
  else if (c >= 0x400 && c <= 0x40F)
    c += 0x50;
  Encode(c, out);
  return Kind::kLetter;
}

size_t Letters(std::string_view word) {
  size_t n = 0;
  for (char ch : word) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  Token current;
  bool in_word = false;
  auto flush = [&] {
    if (in_word && !current.word.empty()) {
      if (current.word.size() > kMaxWordBytes) {
        size_t cut = kMaxWordBytes;
        while (cut > 0 && (static_cast<unsigned char>(current.word[cut]) & 0xC0) == 0x80) --cut;
        current.word.resize(cut);
      }
      tokens.push_back(std::move(current));
    }
    current = Token();
    in_word = false;
  };
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {  // invalid byte: a separator
      flush();
      ++i;
      continue;
    }
    std::string piece;
    Kind kind = FoldCodePoint(cp, &piece);
    if (kind == Kind::kLetter) {
      if (!in_word) {
        in_word = true;
        current.begin = i;
      }
      current.word += piece;
      current.end = i + len;
    } else if (kind == Kind::kSeparator) {
      flush();
    } else if (in_word) {
      current.end = i + len;
    }
    i += len;
  }
  flush();
  return tokens;
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  for (auto& t : Tokenize(text)) words.push_back(std::move(t.word));
  return words;
}

std::string Fold(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {
      ++i;
      continue;
    }
    std::string piece;
    Kind kind = FoldCodePoint(cp, &piece);
    if (kind == Kind::kLetter) {
      out += piece;
    } else if (kind == Kind::kSeparator) {
      Encode(cp < 0x80 && cp != '\'' ? cp : U' ', &out);
    }
    i += len;
  }
  return out;
}

int AllowedEdits(size_t letters) {
  if (letters < 5) return 0;
  if (letters <= 8) return 1;
  return 2;
}

int EditDistance(std::string_view a, std::string_view b, int limit) {
  const size_t n = a.size(), m = b.size();
  const size_t diff = n > m ? n - m : m - n;
  if (diff > static_cast<size_t>(limit)) return limit + 1;
  // Three rows: two back for transpositions.
  std::vector<int> prev2(m + 1), prev(m + 1), cur(m + 1);
  for (size_t j = 0; j <= m; ++j) prev[j] = static_cast<int>(j);
  for (size_t i = 1; i <= n; ++i) {
    cur[0] = static_cast<int>(i);
    int row_min = cur[0];
    for (size_t j = 1; j <= m; ++j) {
      int cost = a[i - 1] == b[j - 1] ? 0 : 1;
      int v = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        v = std::min(v, prev2[j - 2] + 1);
      }
      cur[j] = v;
      row_min = std::min(row_min, v);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return std::min(prev[m], limit + 1);
}

uint64_t FuzzyDictionary::Key(std::string_view s) { return std::hash<std::string_view>()(s); }

void FuzzyDictionary::Add(std::string_view word, uint64_t frequency) {
  if (word.empty()) return;
  auto it = ids_.find(std::string(word));
  if (it != ids_.end()) {
    frequency_[it->second] = std::max(frequency_[it->second], frequency);
    return;
  }
  const auto id = static_cast<uint32_t>(words_.size());
  words_.emplace_back(word);
  frequency_.push_back(frequency);
  ids_.emplace(std::string(word), id);
  // Only words that some query word may be compared with need deletions: 4+ letters.
  if (Letters(word) < 4) return;
  deletes_.emplace(Key(word), id);
  std::string d;
  for (size_t i = 0; i < word.size(); ++i) {
    if (i > 0 && word[i] == word[i - 1]) continue;  // same deletion as the previous one
    d.assign(word.substr(0, i));
    d.append(word.substr(i + 1));
    deletes_.emplace(Key(d), id);
  }
}

std::vector<std::string> FuzzyDictionary::Lookup(std::string_view word, size_t max_results) const {
  const int allowed = AllowedEdits(Letters(word));
  if (allowed == 0 || max_results == 0) return {};
  // The query side: the word and its deletions up to `allowed` deep.
  std::unordered_set<std::string> variants{std::string(word)};
  std::vector<std::string> frontier{std::string(word)};
  for (int depth = 0; depth < allowed; ++depth) {
    std::vector<std::string> next;
    for (const auto& v : frontier) {
      for (size_t i = 0; i < v.size(); ++i) {
        std::string d = v.substr(0, i) + v.substr(i + 1);
        if (variants.insert(d).second) next.push_back(std::move(d));
      }
    }
    frontier = std::move(next);
  }
  uint64_t own_frequency = 0;
  if (auto it = ids_.find(std::string(word)); it != ids_.end())
    own_frequency = frequency_[it->second];
  std::unordered_set<uint32_t> seen;
  std::vector<uint32_t> found;
  for (const auto& v : variants) {
    auto [lo, hi] = deletes_.equal_range(Key(v));
    for (auto it = lo; it != hi; ++it) {
      if (!seen.insert(it->second).second) continue;
      const std::string& cand = words_[it->second];
      if (cand == word || frequency_[it->second] < own_frequency) continue;
      if (EditDistance(word, cand, allowed) <= allowed) found.push_back(it->second);
    }
  }
  std::sort(found.begin(), found.end(), [&](uint32_t a, uint32_t b) {
    if (frequency_[a] != frequency_[b]) return frequency_[a] > frequency_[b];
    return words_[a] < words_[b];
  });
  if (found.size() > max_results) found.resize(max_results);
  std::vector<std::string> out;
  for (uint32_t id : found) out.push_back(words_[id]);
  return out;
}

void FuzzyDictionary::Clear() {
  words_.clear();
  frequency_.clear();
  ids_.clear();
  deletes_.clear();
}

}  // namespace sonora::search
