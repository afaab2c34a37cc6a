// The LRC reader: the format's variants (time tag spellings, headers, enhanced word tags, line
// ends, byte-order mark) as a table of cases, then hostile input (a 1 MiB line, invalid UTF-8,
// nothing but tags, separators the search index uses), which must come back bounded, valid
// UTF-8 and fast.
#include "lyrics/lrc.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/strings.h"

namespace sonora::lyrics {
namespace {

using ::testing::ElementsAre;

struct PlainCase {
  const char* name;
  std::string lrc;
  std::string text;
};

TEST(LrcTest, PlainTextDropsTagsAndKeepsLines) {
  const PlainCase cases[] = {
      {"timed lines", "[00:12.00]First line\n[00:15.30]Second line\n", "First line\nSecond line"},
      {"headers",
       "[ar:Nora Hart]\n[ti:Tides]\n[al:Harbor]\n[by:someone]\n[offset:+250]\n"
       "[length: 03:20]\n[re:tool]\n[ve:1.0]\n[00:01.00]Only this",
       "Only this"},
      {"header keys in any case", "[AR:Nora]\n[Ti:Tides]\n[00:01.00]words", "words"},
      {"repeated time tags", "[00:10.00][01:10.00][02:10.00]Chorus goes here\n[00:20.00]Verse",
       "Chorus goes here\nVerse"},
      {"enhanced word tags", "[00:12.00]<00:12.00>Hello <00:12.50>bright <00:13.10>world",
       "Hello bright world"},
      {"word tags glued to words", "[00:12.00]<00:12.00>Hel<00:12.20>lo", "Hello"},
      {"CRLF", "[00:01.00]one\r\n[00:02.00]two\r\n", "one\ntwo"},
      {"lone CR", "[00:01.00]one\r[00:02.00]two", "one\ntwo"},
      {"byte-order mark", "\xEF\xBB\xBF[ti:x]\n[00:01.00]after the mark", "after the mark"},
      {"empty and break lines", "\n\n[00:01.00]one\n[00:05.00]\n   \n[00:09.00]  two  \n",
       "one\ntwo"},
      {"unsynchronised text", "just words\nno tags here", "just words\nno tags here"},
      {"time spellings", "[1:02]a\n[01:02.5]b\n[01:02.345]c\n[01:02:34]d\n[100:00.00]e",
       "a\nb\nc\nd\ne"},
      {"brackets that are not tags", "[Chorus]\n[00:01.00][Verse 2: Jay-Z] text\n[00:99.00]x",
       "[Chorus]\n[Verse 2: Jay-Z] text\n[00:99.00]x"},
      {"runs of spaces and tabs", "[00:01.00]a \t  b\t\tc", "a b c"},
      {"angle brackets that are not tags", "[00:01.00]a <3 b <c>", "a <3 b <c>"},
      {"diacritics kept", "[00:01.00]Café déjà vu, Ørjan", "Café déjà vu, Ørjan"},
      {"only tags", "[ar:a]\n[ti:b]\n[00:01.00]\n[00:02.00]<00:02.10>", ""},
      {"empty", "", ""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(LrcToPlainText(c.lrc), c.text) << c.name;
  }
}

TEST(LrcTest, ParseKeepsTimesHeadersAndOrder) {
  const Lrc lrc = ParseLrc(
      "[ti: Tides ]\r\n[offset:+250]\r\n[00:01.5]one\r\n[00:10.00][01:02.345]chorus\r\n"
      "[01:30.00]\r\nloose line\r\n");
  EXPECT_EQ(lrc.tags.at("ti"), "Tides");
  EXPECT_EQ(lrc.tags.at("offset"), "+250");
  EXPECT_EQ(lrc.offset_ms, 250);
  ASSERT_EQ(lrc.lines.size(), 4u);
  EXPECT_THAT(lrc.lines[0].times_ms, ElementsAre(1500));
  EXPECT_EQ(lrc.lines[0].text, "one");
  EXPECT_THAT(lrc.lines[1].times_ms, ElementsAre(10000, 62345));
  EXPECT_EQ(lrc.lines[1].text, "chorus");
  EXPECT_THAT(lrc.lines[2].times_ms, ElementsAre(90000));  // a timed break
  EXPECT_EQ(lrc.lines[2].text, "");
  EXPECT_TRUE(lrc.lines[3].times_ms.empty());
  EXPECT_EQ(lrc.lines[3].text, "loose line");

  EXPECT_EQ(ParseLrc("[offset:-1200]").offset_ms, -1200);
  EXPECT_EQ(ParseLrc("[offset:soon]").offset_ms, 0);
}

TEST(LrcTest, BoundIsHonouredAtLinesAndCharacters) {
  // Whole lines while they fit.
  EXPECT_EQ(LrcToPlainText("[00:01.00]aaaa\n[00:02.00]bbbb\n[00:03.00]cccc", 9), "aaaa\nbbbb");
  EXPECT_EQ(LrcToPlainText("[00:01.00]aaaa\n[00:02.00]bbbb", 8), "aaaa");
  // A first line longer than the bound is cut on a character boundary ("é" is two bytes).
  EXPECT_EQ(LrcToPlainText("[00:01.00]ééé", 5), "éé");
  EXPECT_EQ(LrcToPlainText("[00:01.00]ééé", 0), "");
}

TEST(LrcTest, HostileInputStaysBoundedValidAndFast) {
  const auto start = std::chrono::steady_clock::now();
  struct Hostile {
    const char* name;
    std::string lrc;
  };
  const std::string mib_of_e = [] {
    std::string s = "[00:01.00]";
    while (s.size() < (1 << 20)) s += "é";
    return s;
  }();
  std::string many_tags;
  while (many_tags.size() < (1 << 20)) many_tags += "[00:01.00]";
  const Hostile cases[] = {
      {"1 MiB single line", mib_of_e},
      {"1 MiB of '['", std::string(1 << 20, '[')},
      {"1 MiB of '<'", "[00:01.00]" + std::string(1 << 20, '<')},
      {"1 MiB of time tags", many_tags},
      {"1 MiB of newlines", std::string(1 << 20, '\n')},
      {"an unterminated header", "[ti:" + std::string(1 << 20, 'x')},
  };
  for (const auto& c : cases) {
    const std::string text = LrcToPlainText(c.lrc);
    EXPECT_LE(text.size(), kMaxPlainTextBytes) << c.name;
    EXPECT_TRUE(IsValidUtf8(text)) << c.name;
    const Lrc parsed = ParseLrc(c.lrc);
    for (const auto& line : parsed.lines) EXPECT_TRUE(IsValidUtf8(line.text)) << c.name;
  }
  EXPECT_EQ(LrcToPlainText(mib_of_e).size(), kMaxPlainTextBytes);  // 2-byte chars fill it exactly
  EXPECT_EQ(LrcToPlainText(many_tags), "");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(LrcTest, InvalidUtf8BecomesReplacementCharacters) {
  const struct {
    const char* name;
    std::string lrc;
    std::string text;
  } cases[] = {
      {"stray byte",
       "[00:01.00]a\xFF"
       "b",
       "a\xEF\xBF\xBD"
       "b"},
      {"truncated sequence", "[00:01.00]caf\xC3", "caf\xEF\xBF\xBD"},
      {"overlong slash", "[00:01.00]x\xC0\xAFy", "x\xEF\xBF\xBD\xEF\xBF\xBDy"},
      {"surrogate", "[00:01.00]\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
  };
  for (const auto& c : cases) {
    const std::string text = LrcToPlainText(c.lrc);
    EXPECT_EQ(text, c.text) << c.name;
    EXPECT_TRUE(IsValidUtf8(text)) << c.name;
  }
}

TEST(LrcTest, ControlCharactersNeverReachTheText) {
  // The search index separates stored fields with \x1e and \x1f; NUL ends C strings.
  const std::string lrc = std::string("[00:01.00]one\x1etwo\x1fthree") + '\0' + "four\x7f" + "five";
  EXPECT_EQ(LrcToPlainText(lrc), "one two three four five");
}

}  // namespace
}  // namespace sonora::lyrics
