// Text handling shared by indexing and querying: folding (case and diacritics), tokenizing,
// the edit-distance rule for typo tolerance, and the fuzzy dictionary that finds the indexed
// words close to a mistyped one. Plain C++; no Xapian here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sonora::search {

// The longest word kept, in bytes of folded text; longer runs are cut (Xapian's term limit is
// 245 bytes, and no real title word comes near this).
inline constexpr size_t kMaxWordBytes = 64;

// Lower-cases and strips diacritics from Latin letters ("Beyoncé" -> "beyonce", "Straße" ->
// "strasse", "Ørjan" -> "orjan"). Other scripts are kept as they are; invalid UTF-8 bytes are
// dropped. Apostrophes vanish ("Don't" -> "dont") so contractions match either way.
std::string Fold(std::string_view text);

// One word of folded text with where it came from in the original, for highlighting.
struct Token {
  std::string word;  // folded
  size_t begin = 0;  // byte range in the original text
  size_t end = 0;
};

// Splits `text` into folded words at anything that is not a letter or digit. Never throws;
// invalid UTF-8 is skipped.
std::vector<Token> Tokenize(std::string_view text);
// Just the words.
std::vector<std::string> Words(std::string_view text);

// Elasticsearch's "fuzziness: AUTO" as issue 6 states it: words shorter than 5 letters must
// match exactly, words of 5 to 8 letters may be 1 edit away, longer words 2.
int AllowedEdits(size_t letters);

// Optimal-string-alignment distance (insert, delete, substitute, swap neighbours), or
// `limit + 1` as soon as the distance is known to exceed `limit`. Works on bytes: folded words
// are ASCII for Latin text.
int EditDistance(std::string_view a, std::string_view b, int limit);

// The vocabulary of indexed words with a symmetric-delete index over it (SymSpell): each word is
// filed under itself and every string made by deleting one of its letters; a query word looks
// up itself and its own deletions (one or two deep), and the candidates are checked with
// EditDistance. This finds every word within the allowed edits except a few two-edit pairs that
// need two deletions on both sides (two substitutions in a word of 9+ letters).
//
// Thread-safety: Add and Lookup must not run at the same time (the owner holds a lock).
class FuzzyDictionary {
 public:
  // Adds `word` or raises its frequency.
  void Add(std::string_view word, uint64_t frequency);
  // Words within AllowedEdits(word) of `word`, other than `word` itself, at least as frequent
  // as `word` (a common word typed correctly is not "corrected" into rarer ones; an unknown
  // word has frequency 0), most frequent first, at most `max_results`.
  std::vector<std::string> Lookup(std::string_view word, size_t max_results) const;
  bool Contains(std::string_view word) const { return ids_.count(std::string(word)) != 0; }
  size_t size() const { return words_.size(); }
  void Clear();

 private:
  static uint64_t Key(std::string_view s);
  std::vector<std::string> words_;
  std::vector<uint64_t> frequency_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::unordered_multimap<uint64_t, uint32_t> deletes_;
};

}  // namespace sonora::search
