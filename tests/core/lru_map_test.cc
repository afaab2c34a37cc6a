#include "core/lru_map.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace sonora {
namespace {

TEST(LruMapTest, EvictsTheLeastRecentlyUsedOneAtATime) {
  LruMap<std::string, int> m(3);
  m.Put("a", 1);
  m.Put("b", 2);
  m.Put("c", 3);
  ASSERT_NE(m.Find("a"), nullptr);  // "a" is now the most recent; "b" the least
  m.Put("d", 4);
  EXPECT_EQ(m.size(), 3u);
  EXPECT_EQ(m.Find("b"), nullptr);
  ASSERT_NE(m.Find("a"), nullptr);
  EXPECT_EQ(*m.Find("a"), 1);
  EXPECT_EQ(*m.Find("c"), 3);
  EXPECT_EQ(*m.Find("d"), 4);
}

TEST(LruMapTest, PutReplacesWithoutGrowing) {
  LruMap<std::string, std::string> m(2);
  m.Put("k", "old");
  m.Put("j", "other");
  EXPECT_EQ(m.Put("k", "new"), "new");
  EXPECT_EQ(m.size(), 2u);
  m.Put("l", "third");  // "j" is the least recent now
  EXPECT_EQ(m.Find("j"), nullptr);
  EXPECT_EQ(*m.Find("k"), "new");
}

TEST(LruMapTest, EraseAndClearReleaseValues) {
  auto held = std::make_shared<int>(7);
  LruMap<int, std::shared_ptr<int>> m(4);
  m.Put(1, held);
  m.Put(2, held);
  EXPECT_EQ(held.use_count(), 3);
  EXPECT_TRUE(m.Erase(1));
  EXPECT_FALSE(m.Erase(1));
  EXPECT_EQ(held.use_count(), 2);
  m.Clear();
  EXPECT_EQ(m.size(), 0u);
  EXPECT_EQ(held.use_count(), 1);
  m.Put(3, held);  // usable after Clear
  EXPECT_NE(m.Find(3), nullptr);
}

TEST(LruMapTest, ZeroCapacityStillHoldsTheLatest) {
  LruMap<int, int> m(0);
  m.Put(1, 1);
  m.Put(2, 2);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(m.Find(1), nullptr);
  EXPECT_EQ(*m.Find(2), 2);
}

}  // namespace
}  // namespace sonora
