// examples/amp/wav.hpp - the little WAV support the amp example needs: 16-bit PCM, mono out,
// the first channel in. Bytes are assembled explicitly, so it works on any endianness.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <span>
#include <vector>

namespace wav {

// Reads a 16-bit PCM WAV file's first channel as floats in [-1, 1). Returns false (and leaves
// `samples` empty) if the file is missing or not 16-bit PCM.
inline bool read(const char* path, std::vector<float>& samples, std::uint32_t& sample_rate) {
  samples.clear();
  std::FILE* f = std::fopen(path, "rb");
  if (!f) return false;
  std::vector<unsigned char> bytes;
  unsigned char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) bytes.insert(bytes.end(), buffer, buffer + n);
  std::fclose(f);
  auto u16 = [&](std::size_t at) { return static_cast<std::uint32_t>(bytes[at] | bytes[at + 1] << 8); };
  auto u32 = [&](std::size_t at) { return u16(at) | u16(at + 2) << 16; };
  auto is = [&](std::size_t at, const char* id) { return std::equal(id, id + 4, bytes.data() + at); };
  if (bytes.size() < 12 || !is(0, "RIFF") || !is(8, "WAVE")) return false;
  std::uint32_t channels = 0, bits = 0;
  for (std::size_t at = 12; at + 8 <= bytes.size();) {  // chunks: id, size, data (padded to even)
    const std::size_t size = std::min<std::size_t>(u32(at + 4), bytes.size() - at - 8);
    if (is(at, "fmt ") && size >= 16) {
      const std::uint32_t format = u16(at + 8);  // 1: PCM, 0xFFFE: extensible (PCM here if 16-bit)
      channels = u16(at + 10);
      sample_rate = u32(at + 12);
      bits = u16(at + 22);
      if ((format != 1 && format != 0xFFFE) || bits != 16 || channels == 0) return false;
    } else if (is(at, "data") && channels != 0) {
      for (std::size_t i = at + 8; i + 2 * channels <= at + 8 + size; i += 2 * channels)
        samples.push_back(static_cast<float>(static_cast<std::int16_t>(u16(i))) / 32768.0f);
      return true;
    }
    at += 8 + size + (size & 1);
  }
  return false;
}

// Writes mono 16-bit PCM, clipping to [-1, 1].
inline bool write(const char* path, std::span<const float> samples, std::uint32_t sample_rate) {
  std::vector<unsigned char> bytes;
  auto put = [&](std::uint32_t v, int n) {
    for (int i = 0; i < n; ++i) bytes.push_back(static_cast<unsigned char>(v >> (8 * i)));
  };
  auto tag = [&](const char* id) { bytes.insert(bytes.end(), id, id + 4); };
  const auto data_size = static_cast<std::uint32_t>(2 * samples.size());
  tag("RIFF"), put(36 + data_size, 4), tag("WAVE");
  tag("fmt "), put(16, 4), put(1, 2), put(1, 2), put(sample_rate, 4), put(2 * sample_rate, 4), put(2, 2), put(16, 2);
  tag("data"), put(data_size, 4);
  for (float s : samples)
    put(static_cast<std::uint16_t>(static_cast<std::int16_t>(std::lround(std::clamp(s, -1.0f, 1.0f) * 32767.0f))), 2);
  std::FILE* f = std::fopen(path, "wb");
  if (!f) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace wav
