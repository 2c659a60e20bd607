#include "http/server.h"

#include <gtest/gtest.h>

namespace creditd::http {
namespace {

TEST(ServerTest, ListeningOnABusyPortIsNotReady) {
  Router router;
  ServerOptions options;
  options.port = 0;
  Server first(options, router);
  const auto port = first.Listen();
  ASSERT_TRUE(port.ok());
  options.port = *port;
  Server second(options, router);
  const auto again = second.Listen();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().reason(), "not_ready");
  options.host = "not-an-address";
  Server third(options, router);
  EXPECT_EQ(third.Listen().status().reason(), "not_ready");
}

}  // namespace
}  // namespace creditd::http
