// Weights loaded at run time from a blob file (docs/blobs.md): the executable is built for the
// architecture, the weights come from a file checked against it. Here the blob is written
// first with ci::write_blob (tools/ctinfer_convert/blob.py or `ctinfer_add_model(... BLOB f)`
// write the same format), read back into fresh params, and run; then one byte of the file is
// damaged and load_blob refuses it with a message, leaving the params as they were.
//
//   blob [file.bin]      (default: ctinfer_example_weights.bin in the current directory)
#include <array>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<4>>, ci::Dense<8>, ci::GELU, ci::Dense<3>, ci::Softmax>;

// One byte more than a blob needs, so that a file that is too long is refused too.
static std::array<std::byte, ci::blob_size_v<Net> + 1> bytes;

static bool write_file(const char* path, std::size_t n) {
  std::FILE* f = std::fopen(path, "wb");
  if (!f) return false;
  const bool ok = std::fwrite(bytes.data(), 1, n, f) == n;
  return std::fclose(f) == 0 && ok;
}

static ci::status load(const char* path, ci::params_t<Net>& params) {
  std::FILE* f = std::fopen(path, "rb");
  if (!f) return ci::status::error("cannot open the blob file");
  const std::size_t n = std::fread(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
  return ci::load_blob<Net>(params, std::span<const std::byte>(bytes.data(), n));
}

int main(int argc, char** argv) {
  const char* path = argc > 1 ? argv[1] : "ctinfer_example_weights.bin";

  // 1. Some trained weights (here made up), saved as a blob of blob_size_v<Net> bytes.
  static ci::params_t<Net> trained{};
  std::array<float, ci::param_count_v<Net>> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 0.05f * static_cast<float>(i % 11) - 0.25f;
  if (!ci::load_flat(trained, flat) || !ci::write_blob<Net>(trained, bytes) ||
      !write_file(path, ci::blob_size_v<Net>))
    return 1;
  std::printf("wrote %s: %zu bytes\n", path, ci::blob_size_v<Net>);

  // 2. At run time: load and check the file, then build the model.
  static ci::params_t<Net> params{};
  if (ci::status st = load(path, params); !st) {
    std::printf("%s\n", st.message());
    return 1;
  }
  ci::Model<Net> model{params};
  const std::array<float, 3> y = model({0.5f, -1.0f, 2.0f, 0.25f});
  const std::array<float, 3> expected = ci::infer<Net>(trained, {0.5f, -1.0f, 2.0f, 0.25f});
  std::printf("loaded; output %.5f %.5f %.5f\n", y[0], y[1], y[2]);
  for (std::size_t i = 0; i < y.size(); ++i)
    if (y[i] < expected[i] - 1e-5f || y[i] > expected[i] + 1e-5f) return 1;

  // 3. A damaged file: one flipped bit in the values. Refused, params untouched.
  bytes[ci::blob_size_v<Net> - 5] ^= std::byte{0x10};
  if (!write_file(path, ci::blob_size_v<Net>)) return 1;
  const ci::status st = load(path, params);
  std::printf("damaged file: %s\n", st.message());
  std::remove(path);
  // Expected: "load_blob: checksum mismatch (stored 0x..., computed 0x...): the blob is corrupt".
  return !st && std::strstr(st.message(), "checksum mismatch") != nullptr ? 0 : 1;
}
