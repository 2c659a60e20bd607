#include "runners/demo_image_runner.h"

#include <zlib.h>

#include <array>
#include <cstdint>
#include <vector>

#include "common/strings.h"

namespace creditd::runners {

namespace {

constexpr int kSize = 256;

// FNV-1a: a stable 64-bit digest of the prompt that seeds every colour and shape.
uint64_t Digest(std::string_view text) {
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

void PutUint32(std::string& out, uint32_t value) {
  out += static_cast<char>((value >> 24) & 0xFF);
  out += static_cast<char>((value >> 16) & 0xFF);
  out += static_cast<char>((value >> 8) & 0xFF);
  out += static_cast<char>(value & 0xFF);
}

void PutChunk(std::string& png, const char (&type)[5], const std::string& data) {
  PutUint32(png, static_cast<uint32_t>(data.size()));
  std::string body(type, 4);
  body += data;
  png += body;
  const uLong crc =
      crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()));
  PutUint32(png, static_cast<uint32_t>(crc));
}

struct Rgb {
  int r = 0;
  int g = 0;
  int b = 0;
};

Rgb ColorFrom(uint64_t bits) {
  return {static_cast<int>(bits & 0xFF), static_cast<int>((bits >> 8) & 0xFF),
          static_cast<int>((bits >> 16) & 0xFF)};
}

}  // namespace

std::string RenderPromptPng(std::string_view prompt) {
  const uint64_t seed = Digest(prompt);
  const uint64_t seed2 = Digest(std::string(prompt) + "#");
  const Rgb top = ColorFrom(seed);
  const Rgb bottom = ColorFrom(seed >> 24);
  const Rgb shape = ColorFrom(seed2);
  // Three circles whose centres and radii come from the digest.
  std::array<std::array<int, 3>, 3> circles{};
  for (size_t i = 0; i < circles.size(); ++i) {
    const uint64_t bits = seed2 >> (8 + 16 * i);
    circles[i] = {static_cast<int>(bits & 0xFF), static_cast<int>((bits >> 8) & 0xFF),
                  20 + static_cast<int>((seed >> (48 + 4 * i)) & 0x3F)};
  }

  // Raw scanlines: a filter byte (0) then RGB triples.
  std::string raw;
  raw.reserve(static_cast<size_t>(kSize) * (kSize * 3 + 1));
  for (int y = 0; y < kSize; ++y) {
    raw += '\0';
    for (int x = 0; x < kSize; ++x) {
      Rgb pixel{top.r + (bottom.r - top.r) * y / (kSize - 1),
                top.g + (bottom.g - top.g) * y / (kSize - 1),
                top.b + (bottom.b - top.b) * y / (kSize - 1)};
      for (const auto& [cx, cy, radius] : circles) {
        const int dx = x - cx;
        const int dy = y - cy;
        if (dx * dx + dy * dy <= radius * radius) {
          pixel = {(pixel.r + shape.r) / 2, (pixel.g + shape.g) / 2, (pixel.b + shape.b) / 2};
        }
      }
      raw += static_cast<char>(pixel.r);
      raw += static_cast<char>(pixel.g);
      raw += static_cast<char>(pixel.b);
    }
  }

  uLongf compressed_size = compressBound(static_cast<uLong>(raw.size()));
  std::vector<Bytef> compressed(compressed_size);
  compress2(compressed.data(), &compressed_size, reinterpret_cast<const Bytef*>(raw.data()),
            static_cast<uLong>(raw.size()), 6);

  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string header;
  PutUint32(header, kSize);
  PutUint32(header, kSize);
  header += static_cast<char>(8);  // Bit depth.
  header += static_cast<char>(2);  // Colour type: RGB.
  header += std::string(3, '\0');  // Compression, filter, interlace.
  PutChunk(png, "IHDR", header);
  PutChunk(png, "IDAT",
           std::string(reinterpret_cast<const char*>(compressed.data()), compressed_size));
  PutChunk(png, "IEND", "");
  return png;
}

app::ToolOutput DemoImageRunner::Run(const app::ToolCall& call) {
  app::ToolOutput output;
  output.succeeded = true;
  output.content_type = "image/png";
  output.body = Base64Encode(RenderPromptPng(call.prompt));
  return output;
}

}  // namespace creditd::runners
