// The interaction matrix and its file reader: ids map to dense indices, duplicates sum, zeros
// vanish, both orientations agree, and junk lines are counted, never fatal.
#include "recommend/interactions.h"

#include <fstream>

#include "support/status_matchers.h"
#include "support/temp_dir.h"

namespace sonora::recommend {
namespace {

using ::testing::ElementsAre;
using testing::StatusIs;

TEST(InteractionBuilderTest, MapsIdsAndSumsDuplicates) {
  InteractionBuilder b;
  b.Add("alice", "t1", 2, 1);
  b.Add("bob", "t2", 1, 2);
  b.Add("alice", "t3", 1, 3);
  b.Add("alice", "t1", 3, 4);  // same cell as the first: summed to 5
  b.Add("bob", "t3", 1, 5);
  b.Add("bob", "t3", -1, 6);  // cancels to 0: dropped
  InteractionMatrix m = b.Build();
  EXPECT_EQ(b.users().Find("alice"), 0);
  EXPECT_EQ(b.users().Find("bob"), 1);
  EXPECT_EQ(b.items().Find("t3"), 2);
  EXPECT_EQ(b.items().Find("nope"), -1);
  EXPECT_EQ(m.users(), 2);
  EXPECT_EQ(m.items(), 3);
  EXPECT_EQ(m.nnz(), 3);
  EXPECT_THAT(m.by_user().Cols(0), ElementsAre(0, 2));
  EXPECT_THAT(m.by_user().Values(0), ElementsAre(5.0f, 1.0f));
  EXPECT_THAT(m.by_user().Cols(1), ElementsAre(1));
  EXPECT_THAT(m.by_item().Cols(0), ElementsAre(0));
  EXPECT_THAT(m.by_item().Values(0), ElementsAre(5.0f));
  EXPECT_THAT(m.by_item().Cols(2), ElementsAre(0));
  EXPECT_EQ(m.by_item().RowSize(1), 1);
}

class ReadInteractionsFileTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& text) {
    std::string path = dir_.path() + "/interactions.tsv";
    std::ofstream(path) << text;
    return path;
  }
  testing::TempDir dir_;
};

TEST_F(ReadInteractionsFileTest, ReadsTabsSpacesTimesAndComments) {
  FileReadReport report;
  auto b = ReadInteractionsFile(Write("# user item count time\n"
                                      "u1\ta\t3\t100\n"
                                      "u1  b  1.5  200\r\n"
                                      "\n"
                                      "u2\ta\t1\t50\n"),
                                report);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(report.lines, 3);
  EXPECT_EQ(report.accepted, 3);
  EXPECT_EQ(report.malformed, 0);
  EXPECT_TRUE(b->has_times());
  ASSERT_EQ(b->interactions().size(), 3u);
  EXPECT_EQ(b->interactions()[1].value, 1.5f);
  EXPECT_EQ(b->interactions()[1].time, 200);
  EXPECT_EQ(b->Build().nnz(), 3);
}

TEST_F(ReadInteractionsFileTest, CountsJunkLinesAndKeepsTheRest) {
  struct Case {
    const char* line;
  } junk[] = {
      {"u1 a"},                       // too few fields
      {"u1 a 1 2 3"},                 // too many
      {"u1 a three"},                 // not a number
      {"u1 a 0"},                     // not positive
      {"u1 a -2"},                    // negative counts are not plays
      {"u1 a nan"},                   // not finite
      {"u1 a inf"},     {"u1 a 2x"},  // trailing junk
      {"u1 a 2 noon"},                // time not an integer
      {"\x01\x02\x03"},
  };
  std::string text = "good x 1\n";
  for (const auto& c : junk) text += std::string(c.line) + "\n";
  text += "good y 2\n";
  FileReadReport report;
  auto b = ReadInteractionsFile(Write(text), report);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(report.accepted, 2);
  EXPECT_EQ(report.malformed, static_cast<int64_t>(std::size(junk)));
  EXPECT_THAT(report.malformed_examples, ElementsAre(2, 3, 4, 5, 6));
  EXPECT_FALSE(b->has_times());  // three-field lines: times are line numbers
  EXPECT_EQ(b->users().size(), 1);
  EXPECT_EQ(b->items().size(), 2);
}

TEST_F(ReadInteractionsFileTest, NothingReadableIsAnError) {
  FileReadReport report;
  EXPECT_THAT(ReadInteractionsFile(Write("junk\nmore junk here really\n"), report),
              StatusIs(Code::kInvalidArgument));
  EXPECT_EQ(report.malformed, 2);
  EXPECT_THAT(ReadInteractionsFile(dir_.path() + "/missing.tsv", report),
              StatusIs(Code::kNotFound));
}

}  // namespace
}  // namespace sonora::recommend
