// Folding, tokenizing, the AUTO edit rule, edit distance and the fuzzy dictionary.
#include "search/text.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

using ::testing::IsEmpty;

namespace sonora::search {
namespace {

TEST(FoldTest, CaseAndDiacritics) {
  struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"Beyoncé", "beyonce"},
      {"Sigur Rós", "sigur ros"},
      {"Mötley Crüe", "motley crue"},
      {"Straße", "strasse"},
      {"Ørjan Æsir", "orjan aesir"},
      {"Łódź", "lodz"},
      {"Don't Stop", "dont stop"},
      {"Don’t", "dont"},
      {"ÉÈÊË", "eeee"},
      {"Œuvre", "oeuvre"},
      {"e\xCC\x81t\xC3\xA9", "ete"},  // combining acute, then é
  };
  for (const auto& c : cases) EXPECT_EQ(Fold(c.in), c.out) << c.in;
}

TEST(TokenizeTest, SplitsOnPunctuationAndKeepsOffsets) {
  auto t = Tokenize("HUMBLE. — Beyoncé & Jay-Z");
  ASSERT_EQ(t.size(), 4u);
  EXPECT_EQ(t[0].word, "humble");
  EXPECT_EQ(t[1].word, "beyonce");
  EXPECT_EQ(std::string("HUMBLE. — Beyoncé & Jay-Z").substr(t[1].begin, t[1].end - t[1].begin),
            "Beyoncé");
  EXPECT_EQ(t[2].word, "jay");
  EXPECT_EQ(t[3].word, "z");
}

TEST(TokenizeTest, InvalidUtf8IsASeparatorNeverACrash) {
  EXPECT_THAT(Words(std::string("bad\xff"
                                "guy\xc3")),
              ::testing::ElementsAre("bad", "guy"));
  EXPECT_THAT(Words(std::string("\xed\xa0\x80x")), ::testing::ElementsAre("x"));  // surrogate
  EXPECT_TRUE(Words("").empty());
  EXPECT_TRUE(Words("!!! ((( )))").empty());
  // U+FFFD, what lyrics::LrcToPlainText puts for invalid bytes, separates words as they did.
  EXPECT_THAT(Words("bad\xEF\xBF\xBDguy"), ::testing::ElementsAre("bad", "guy"));
}

TEST(TokenizeTest, LongWordsAreCut) {
  auto w = Words(std::string(500, 'a'));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].size(), kMaxWordBytes);
}

TEST(AllowedEditsTest, AutoFuzziness) {
  EXPECT_EQ(AllowedEdits(4), 0);
  EXPECT_EQ(AllowedEdits(5), 1);
  EXPECT_EQ(AllowedEdits(8), 1);
  EXPECT_EQ(AllowedEdits(9), 2);
}

TEST(EditDistanceTest, CountsInsertDeleteSubstituteSwap) {
  EXPECT_EQ(EditDistance("billie", "bilie", 2), 1);
  EXPECT_EQ(EditDistance("eilish", "elish", 2), 1);
  EXPECT_EQ(EditDistance("coldplay", "coldpaly", 2), 1);  // swap
  EXPECT_EQ(EditDistance("kitten", "sitting", 5), 3);
  EXPECT_EQ(EditDistance("kitten", "sitting", 1), 2);  // cut off at limit + 1
  EXPECT_EQ(EditDistance("same", "same", 0), 0);
}

TEST(FuzzyDictionaryTest, FindsWordsWithinTheAllowedEdits) {
  FuzzyDictionary d;
  for (const char* w :
       {"billie", "eilish", "billy", "bohemian", "rhapsody", "dangerously", "queen", "green"}) {
    d.Add(w, 1);
  }
  d.Add("billie", 10);
  EXPECT_THAT(d.Lookup("bilie", 5), ::testing::ElementsAre("billie"));
  EXPECT_THAT(d.Lookup("elish", 5), ::testing::ElementsAre("eilish"));
  EXPECT_THAT(d.Lookup("bohemain", 5), ::testing::ElementsAre("bohemian"));
  EXPECT_THAT(d.Lookup("dangerouslee", 5), ::testing::ElementsAre("dangerously"));
  EXPECT_THAT(d.Lookup("green", 5), IsEmpty());  // never itself; "queen" is 2 edits away
  EXPECT_THAT(d.Lookup("greed", 5), ::testing::ElementsAre("green"));
  EXPECT_TRUE(d.Lookup("bily", 5).empty());    // 4 letters: exact only
  EXPECT_TRUE(d.Lookup("rapsdy", 5).empty());  // 2 edits for 6 letters: too many
  EXPECT_TRUE(d.Contains("queen"));
  // A common word typed correctly is not widened to rarer neighbours.
  d.Add("night", 500);
  d.Add("light", 40);
  d.Add("nights", 800);
  EXPECT_THAT(d.Lookup("night", 5), ::testing::ElementsAre("nights"));
  EXPECT_THAT(d.Lookup("nigth", 5), ::testing::ElementsAre("night"));  // "nights" is 2 away
}

}  // namespace
}  // namespace sonora::search
