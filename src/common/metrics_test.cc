#include "common/metrics.h"

#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace creditd::metrics {
namespace {

TEST(HistogramTest, CountsEachObservationInTheFirstBucketThatHoldsIt) {
  Histogram histogram({10, 100}, 1);
  histogram.Observe(10);   // On the bound: le="10".
  histogram.Observe(11);   // le="100".
  histogram.Observe(500);  // +Inf.
  const auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.cumulative, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ(snapshot.count, 3U);
  EXPECT_EQ(snapshot.sum, 521);
}

TEST(HistogramTest, ConcurrentObservationsAreAllCounted) {
  Histogram histogram = Histogram::Latency();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&histogram] {
      for (int i = 0; i < 10000; ++i) {
        histogram.Observe(i % 3000);
      }
    });
  }
  for (auto& thread : threads) {
    thread.join();
  }
  const auto snapshot = histogram.snapshot();
  EXPECT_EQ(snapshot.count, 40000U);
  EXPECT_EQ(snapshot.cumulative.back(), 40000U);
}

TEST(StatusCountersTest, CountsEachStatusApartAndOverflowsIntoOther) {
  StatusCounters counters;
  counters.Add(200);
  counters.Add(200);
  counters.Add(404);
  for (int status = 500; status < 520; ++status) {
    counters.Add(status);
  }
  const auto snapshot = counters.snapshot();
  ASSERT_EQ(snapshot.size(), 17U);  // 16 slots, then "other".
  EXPECT_EQ(snapshot[0], (std::pair<int, uint64_t>{200, 2}));
  EXPECT_EQ(snapshot[1], (std::pair<int, uint64_t>{404, 1}));
  EXPECT_EQ(snapshot.back(), (std::pair<int, uint64_t>{0, 6}));
}

TEST(TextWriterTest, WritesTheExpositionFormatWithEscapedLabelsAndExactSeconds) {
  Histogram latency({500, 1'000'000}, 1'000'000);
  latency.Observe(250);
  latency.Observe(1'500'000);
  TextWriter writer;
  writer.Family("creditd_requests_total", "counter", "Requests\nanswered.");
  writer.Sample("creditd_requests_total", {{"route", "/a\"b\\"}, {"status", "200"}}, uint64_t{7});
  writer.Family("creditd_up", "gauge", "Whether it runs.");
  writer.Sample("creditd_up", {}, int64_t{1});
  writer.Family("creditd_latency_seconds", "histogram", "Latency.");
  writer.HistogramSamples("creditd_latency_seconds", {{"route", "/x"}}, latency);
  EXPECT_EQ(writer.text(),
            "# HELP creditd_requests_total Requests\\nanswered.\n"
            "# TYPE creditd_requests_total counter\n"
            "creditd_requests_total{route=\"/a\\\"b\\\\\",status=\"200\"} 7\n"
            "# HELP creditd_up Whether it runs.\n"
            "# TYPE creditd_up gauge\n"
            "creditd_up 1\n"
            "# HELP creditd_latency_seconds Latency.\n"
            "# TYPE creditd_latency_seconds histogram\n"
            "creditd_latency_seconds_bucket{route=\"/x\",le=\"0.0005\"} 1\n"
            "creditd_latency_seconds_bucket{route=\"/x\",le=\"1\"} 1\n"
            "creditd_latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 2\n"
            "creditd_latency_seconds_sum{route=\"/x\"} 1.50025\n"
            "creditd_latency_seconds_count{route=\"/x\"} 2\n");
}

TEST(RegistryTest, RendersEveryCollectorInOrder) {
  Registry registry;
  registry.Add([](TextWriter& writer) { writer.Sample("a", {}, int64_t{1}); });
  registry.Add([](TextWriter& writer) { writer.Sample("b", {}, int64_t{-2}); });
  EXPECT_EQ(registry.Render(), "a 1\nb -2\n");
}

}  // namespace
}  // namespace creditd::metrics
