// ISO-8601 timestamps as the API shows them.
#include "core/time_format.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>

namespace sonora {
namespace {

constexpr int64_t kNov12Noon = 1762948800000;  // 2025-11-12T12:00:00Z

std::optional<int64_t> ParseMillis(std::string_view s) {
  auto t = ParseIso8601(s);
  if (!t) return std::nullopt;
  return t->time_since_epoch().count();
}

TEST(FormatIso8601Test, Table) {
  const std::pair<int64_t, const char*> cases[] = {
      {0, "1970-01-01T00:00:00Z"},
      {kNov12Noon, "2025-11-12T12:00:00Z"},
      {kNov12Noon + 999, "2025-11-12T12:00:00Z"},  // milliseconds truncate
      {kNov12Noon + 1000, "2025-11-12T12:00:01Z"},
      {951868799000, "2000-02-29T23:59:59Z"},   // leap day
      {2147483648000, "2038-01-19T03:14:08Z"},  // past 32-bit time_t
      {-1, "1969-12-31T23:59:59Z"},             // floors, not rounds toward zero
  };
  for (const auto& [ms, want] : cases) {
    EXPECT_EQ(FormatIso8601(FromMillis(ms)), want) << ms;
    EXPECT_EQ(FormatIso8601Millis(ms), want) << ms;
  }
}

TEST(ParseIso8601Test, AcceptedForms) {
  struct Case {
    const char* text;
    int64_t millis;
  };
  const Case cases[] = {
      {"2025-11-12T12:00:00Z", kNov12Noon},
      {"2025-11-12t12:00:00z", kNov12Noon},
      {"2025-11-12T12:00:00.5Z", kNov12Noon + 500},
      {"2025-11-12T12:00:00.123Z", kNov12Noon + 123},
      {"2025-11-12T12:00:00.123456Z", kNov12Noon + 123},  // beyond millis: truncated
      {"2025-11-12T14:00:00+02:00", kNov12Noon},
      {"2025-11-12T06:30:00-05:30", kNov12Noon},
      {"2025-11-12T12:00:00+00:00", kNov12Noon},
      {"2025-11-12T12:00:00.250+00:00", kNov12Noon + 250},
      {"2025-11-13T01:45:00+13:45", kNov12Noon},  // Chatham Islands daylight time
      {"1970-01-01T00:00:00Z", 0},
      {"2000-02-29T23:59:59Z", 951868799000},
  };
  for (const auto& c : cases) EXPECT_EQ(ParseMillis(c.text), c.millis) << c.text;
}

TEST(ParseIso8601Test, RejectsBadInput) {
  const char* cases[] = {
      "",
      "2025-11-12",
      "2025-11-12T12:00",
      "2025-11-12T12:00:00",   // no zone
      "2025-11-12 12:00:00Z",  // space instead of T
      "2025/11/12T12:00:00Z",
      "2025-1-12T12:00:00Z",
      "20a5-11-12T12:00:00Z",
      "2025-13-01T00:00:00Z",  // month 13
      "2025-00-10T00:00:00Z",  // month 0
      "2025-02-29T00:00:00Z",  // not a leap year
      "2025-04-31T00:00:00Z",
      "2025-11-00T00:00:00Z",
      "2025-11-12T24:00:00Z",
      "2025-11-12T12:60:00Z",
      "2025-11-12T12:00:61Z",
      "2025-11-12T12:00:00.Z",     // a dot needs digits
      "2025-11-12T12:00:00+0200",  // offset needs a colon
      "2025-11-12T12:00:00+02",
      "2025-11-12T12:00:00+02:0",
      "2025-11-12T12:00:00+2:00",
      "2025-11-12T12:00:00Zjunk",
      "2025-11-12T12:00:00+02:00junk",
      "2025-11-12T12:00:00ZZ",
      "2025-11-12T12:00:00X",
  };
  for (const char* c : cases) EXPECT_EQ(ParseIso8601(c), std::nullopt) << "'" << c << "'";
}

TEST(ParseIso8601Test, RejectsOffsetsOutOfRange) {
  // Offsets no clock shows: minutes past 59, hours past 23. ParseIso8601 range-checks the
  // time of day but not the offset, so "+99:99" silently shifts the instant by 100 hours.
  const char* cases[] = {
      "2025-11-12T12:00:00+02:60",
      "2025-11-12T12:00:00+24:00",
      "2025-11-12T12:00:00-99:99",
  };
  for (const char* c : cases) {
    EXPECT_EQ(ParseMillis(c), std::nullopt) << "'" << c << "'";
  }
}

TEST(ParseIso8601Test, RoundTripsFormatted) {
  for (int64_t ms : {int64_t{0}, kNov12Noon, int64_t{951868799000}, int64_t{2147483648000},
                     int64_t{4102444799000}}) {
    std::string text = FormatIso8601Millis(ms);
    EXPECT_EQ(ParseMillis(text), ms) << text;
  }
  // Every hour of a leap day, one second before and after each hour boundary.
  for (int64_t h = 0; h < 24; ++h) {
    for (int64_t delta : {int64_t{-1000}, int64_t{0}, int64_t{1000}}) {
      int64_t ms = 951782400000 + h * 3600000 + delta;  // 2000-02-29T00:00:00Z + h
      EXPECT_EQ(ParseMillis(FormatIso8601Millis(ms)), ms) << ms;
    }
  }
}

TEST(IsValidReleaseDateTest, Table) {
  const std::pair<const char*, bool> cases[] = {
      {"2024", true},        {"2024-02", true},
      {"2024-02-29", true},  {"2024-12-31", true},
      {"1999-01-01", true},  {"2023-02-29", false},
      {"2024-13", false},    {"2024-00", false},
      {"2024-04-31", false}, {"24-01-01", false},
      {"2024/01/01", false}, {"", false},
      {"2024-1-01", false},  {"202", false},
      {"abcd", false},       {"2024-01-01T00:00:00Z", false},
  };
  for (const auto& [text, valid] : cases) EXPECT_EQ(IsValidReleaseDate(text), valid) << text;
}

}  // namespace
}  // namespace sonora
