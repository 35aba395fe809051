// docs/blobs.md's loading code (the doc shows it from the first include to the end of load()),
// run: a blob written by ci::write_blob loads, and a blob with one flipped bit or one byte
// too many is refused with params untouched.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <span>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<4>>, ci::Dense<8>, ci::GELU, ci::Dense<3>>;

// One byte more than a blob needs, so that a file that is too long is noticed too.
static std::array<std::byte, ci::blob_size_v<Net> + 1> bytes;
static ci::params_t<Net> params;

bool load(const char* path) {
  std::FILE* f = std::fopen(path, "rb");
  if (!f) return false;
  const std::size_t n = std::fread(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  ci::status st = ci::load_blob<Net>(params, std::span<const std::byte>(bytes.data(), n));
  if (!st) std::puts(st.message());  // e.g. "load_blob: checksum mismatch (...): the blob is corrupt"
  return st.ok();                    // on failure `params` is exactly as it was
}

// The bytes of a blob of p: equal for equal parameters.
std::array<std::byte, ci::blob_size_v<Net>> blob_of(const ci::params_t<Net>& p) {
  std::array<std::byte, ci::blob_size_v<Net>> out{};
  if (!ci::write_blob<Net>(p, std::span<std::byte>(out))) std::abort();
  return out;
}

bool save(const char* path, std::span<const std::byte> data) {
  std::FILE* f = std::fopen(path, "wb");
  if (!f) return false;
  const bool ok = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  return std::fclose(f) == 0 && ok;
}

int main() {
  std::array<float, ci::param_count_v<Net>> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 0.25f * static_cast<float>(i % 9) - 1.0f;
  ci::params_t<Net> written{};
  if (!ci::load_flat(written, flat)) return 1;
  const auto blob = blob_of(written);
  const char* path = "docs_load_blob.bin";

  if (!save(path, blob) || !load(path) || blob_of(params) != blob) return 1;  // loads, exactly
  params = {};
  auto flipped = blob;
  flipped.back() ^= std::byte{0x10};  // one bit of the last weight
  std::array<std::byte, ci::blob_size_v<Net> + 1> longer{};
  std::copy(blob.begin(), blob.end(), longer.begin());
  if (!save(path, flipped) || load(path)) return 1;  // refused: checksum
  if (!save(path, longer) || load(path)) return 1;   // refused: one byte too many
  if (blob_of(params) != blob_of(ci::params_t<Net>{})) return 1;  // and params left as they were
  std::remove(path);
  std::puts("the blob loaded; a flipped bit and a byte too many were refused");
  return 0;
}
