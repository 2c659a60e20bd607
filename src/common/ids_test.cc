#include "common/ids.h"

#include <set>

#include <gtest/gtest.h>

namespace creditd {
namespace {

TEST(IdsTest, RandomIdsHavePrefixLengthAlphabetAndAreUnique) {
  RandomIdGenerator ids;
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const auto id = ids.NewId("fam");
    ASSERT_EQ(id.size(), 4U + 26U);
    EXPECT_EQ(id.substr(0, 4), "fam_");
    for (char c : id.substr(4)) {
      EXPECT_NE(std::string_view("0123456789ABCDEFGHJKMNPQRSTVWXYZ").find(c), std::string::npos);
    }
    EXPECT_TRUE(seen.insert(id).second);
  }
  EXPECT_EQ(ids.NewId("").size(), 26U);
}

TEST(IdsTest, BodiesSortByTime) {
  EXPECT_LT(EncodeIdBody(1000, 0xFFFF, ~0ULL), EncodeIdBody(1001, 0, 0));
  EXPECT_EQ(EncodeIdBody(0, 0, 0), std::string(26, '0'));
  EXPECT_EQ(EncodeIdBody(0, 0, 31), std::string(25, '0') + "Z");
}

TEST(IdsTest, SequenceIdsAreDeterministic) {
  SequenceIdGenerator ids;
  EXPECT_EQ(ids.NewId("req"), "req_00000000000000000000000001");
  EXPECT_EQ(ids.NewId("req"), "req_00000000000000000000000002");
}

}  // namespace
}  // namespace creditd
