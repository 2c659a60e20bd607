#include "runners/demo_image_runner.h"

#include <zlib.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace creditd::runners {
namespace {

uint32_t ReadUint32(const std::string& data, size_t at) {
  return (static_cast<uint32_t>(static_cast<unsigned char>(data[at])) << 24) |
         (static_cast<uint32_t>(static_cast<unsigned char>(data[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<unsigned char>(data[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<unsigned char>(data[at + 3]));
}

TEST(DemoImageRunnerTest, RendersAValidPngThatDependsOnlyOnThePrompt) {
  const std::string png = RenderPromptPng("a cat in a hat");
  ASSERT_GT(png.size(), 40U);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(ReadUint32(png, 16), 256U);  // Width.
  EXPECT_EQ(ReadUint32(png, 20), 256U);  // Height.
  // Every chunk's CRC is right and the image data inflates to 256 scanlines of RGB.
  size_t at = 8;
  std::string idat;
  while (at < png.size()) {
    const uint32_t length = ReadUint32(png, at);
    const std::string type = png.substr(at + 4, 4);
    const std::string body = png.substr(at + 4, 4 + length);
    const uLong crc =
        crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
    EXPECT_EQ(ReadUint32(png, at + 8 + length), static_cast<uint32_t>(crc)) << type;
    if (type == "IDAT") {
      idat += png.substr(at + 8, length);
    }
    at += 12 + length;
  }
  std::vector<Bytef> raw(256 * (256 * 3 + 1));
  uLongf raw_size = raw.size();
  ASSERT_EQ(uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef*>(idat.data()),
                       static_cast<uLong>(idat.size())),
            Z_OK);
  EXPECT_EQ(raw_size, raw.size());

  EXPECT_EQ(RenderPromptPng("a cat in a hat"), png);
  EXPECT_NE(RenderPromptPng("a dog in a fog"), png);
}

TEST(DemoImageRunnerTest, RunAnswersWithBase64Png) {
  DemoImageRunner runner;
  app::ToolCall call;
  call.prompt = "sunset";
  const app::ToolOutput output = runner.Run(call);
  EXPECT_TRUE(output.succeeded);
  EXPECT_EQ(output.content_type, "image/png");
  EXPECT_EQ(output.body.substr(0, 8), "iVBORw0K");  // Base64 of the PNG signature.
}

}  // namespace
}  // namespace creditd::runners
