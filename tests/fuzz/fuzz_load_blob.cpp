// libFuzzer target: arbitrary bytes into ctinfer::load_blob for a small multi-tensor net,
// float and double. Invariants (a violation aborts, and libFuzzer keeps the input):
//  - load_blob returns ok only for a well-formed blob: write_blob of what it loaded gives
//    back exactly the input bytes;
//  - when it refuses, the parameters are untouched (still the sentinel), and the message
//    is a non-empty "load_blob: ..." text.
// Built with -fsanitize=fuzzer,address,undefined (tests/fuzz/CMakeLists.txt), so any read
// out of bounds or undefined behaviour is a crash too. Run: see docs/blobs.md.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string_view>

#include "fuzz_net.hpp"

namespace {
namespace ci = ctinfer;

template <class Net>
void check(const std::uint8_t* data, std::size_t size) {
  using P = ci::params_t<Net>;
  static const P fresh = fuzz_blob::sentinel<P>();
  static P params;
  params = fresh;
  const ci::status st = ci::load_blob<Net>(params, std::span<const unsigned char>(data, size));
  if (st.ok()) {
    static std::array<unsigned char, ci::blob_size_v<Net>> again;
    if (size != again.size()) std::abort();
    if (!ci::write_blob<Net>(params, again).ok()) std::abort();
    if (std::memcmp(again.data(), data, size) != 0) std::abort();
  } else {
    if (std::memcmp(&params, &fresh, sizeof(P)) != 0) std::abort();
    if (!std::string_view(st.message()).starts_with("load_blob: ")) std::abort();
  }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  check<fuzz_blob::NetF>(data, size);
  check<fuzz_blob::NetD>(data, size);
  return 0;
}
