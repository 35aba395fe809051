// The checked weight blob: write_blob -> load_blob round trips (float and double, several
// tensors), the model signature against an independently computed constant and against the
// Python writer's blobs, every refusal (with its message, and params left untouched), and
// no allocation.
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ctinfer/ctinfer.hpp>
#include <doctest/doctest.h>

#include "support/count_allocations.hpp"
#if CTINFER_TEST_PYTHON_BLOB
#include "blob_fixture.hpp"  // generated at build time by tests/reference/make_blob_fixture.py
#endif

namespace ci = ctinfer;

namespace {

using Tiny = ci::Sequential<ci::Input<ci::Shape<4>>, ci::Dense<3>>;
using TinyWider = ci::Sequential<ci::Input<ci::Shape<4>>, ci::Dense<5>>;
using TinyTanh = ci::Sequential<ci::Input<ci::Shape<4>>, ci::Dense<3>, ci::Tanh>;
using TinyDouble = ci::Sequential<ci::Input<ci::Shape<4>, double>, ci::Dense<3>>;

template <class T>
using Multi = ci::Sequential<ci::Input<ci::Shape<1, 4, 4>, T>,
                             ci::Conv2D<2, ci::Kernel<3>, ci::Pad<1>>, ci::BatchNorm, ci::ReLU,
                             ci::Residual<ci::Sequential<ci::Conv2D<2, ci::Kernel<3>, ci::Pad<1>>, ci::BatchNorm>>,
                             ci::Flatten, ci::Dense<3>>;
using MultiF = Multi<float>;
using MultiD = Multi<double>;

// FNV-1a 64 of "ctinfer-model;in=4;out=3;tensors=12,3", computed outside the library (by a
// separate Python loop; see docs/blobs.md).
static_assert(ci::model_signature_v<Tiny> == 0x89d17cc46a69cf14ull);
static_assert(ci::model_signature_v<TinyDouble> == ci::model_signature_v<Tiny>);  // element type is a field
static_assert(ci::model_signature_v<TinyWider> != ci::model_signature_v<Tiny>);
// Structural: a parameter-free layer that keeps the shapes is not seen (documented).
static_assert(ci::model_signature_v<TinyTanh> == ci::model_signature_v<Tiny>);
static_assert(ci::blob_size_v<Tiny> == 48 + 8 * 2 + 15 * 4);
static_assert(ci::blob_size_v<TinyDouble> == 48 + 8 * 2 + 15 * 8);
static_assert(ci::param_count_v<MultiF> == 18 + 2 + 8 + 36 + 2 + 8 + 96 + 3);
static_assert(ci::blob_size_v<MultiF> == 48 + 8 * 14 + 173 * 4);

// The values the Python fixture writes (exact in float); the two BatchNorms' running
// variances (values 26-27 and 72-73) non-negative, which load_blob requires.
constexpr bool is_running_var(std::size_t i) { return i == 26 || i == 27 || i == 72 || i == 73; }
constexpr double value(std::size_t i) {
  const double v = static_cast<double>(static_cast<int>((i * 7) % 23) - 11) * 0.125;
  return is_running_var(i) && v < 0 ? -v : v;
}

template <class Net>
ci::params_t<Net> numbered() {
  ci::params_t<Net> p{};
  std::vector<double> flat(ci::param_count_v<Net>);
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = value(i);
  REQUIRE(ci::load_flat(p, flat).ok());
  return p;
}

template <class Net>
ci::params_t<Net> sentinel() {
  ci::params_t<Net> p{};
  std::vector<double> flat(ci::param_count_v<Net>, -7.0);
  for (std::size_t i = 0; i < flat.size(); ++i)
    if (is_running_var(i)) flat[i] = 7.0;
  REQUIRE(ci::load_flat(p, flat).ok());
  return p;
}

template <class P>
bool same_bytes(const P& a, const P& b) {
  return std::memcmp(&a, &b, sizeof(P)) == 0;
}

template <class Net>
std::vector<std::byte> blob_of(const ci::params_t<Net>& p) {
  std::vector<std::byte> out(ci::blob_size_v<Net>);
  REQUIRE(ci::write_blob<Net>(p, out).ok());
  return out;
}

void put_u32(std::vector<std::byte>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::byte>(v >> (8 * i));
}
void put_u64(std::vector<std::byte>& b, std::size_t at, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<std::byte>(v >> (8 * i));
}
// Recompute the checksum after a deliberate change, so that only the intended check fires.
void reseal(std::vector<std::byte>& b) {
  std::uint64_t h = 14695981039346656037ull;
  for (std::size_t i = 48; i < b.size(); ++i) {
    h ^= std::to_integer<std::uint8_t>(b[i]);
    h *= 1099511628211ull;
  }
  put_u64(b, 40, h);
}

std::string hex(std::uint64_t v) {
  std::string out = "0x";
  for (int i = 15; i >= 0; --i) out += "0123456789abcdef"[(v >> (4 * i)) & 0xF];
  return out;
}

bool contains(const ci::status& st, std::string_view part) {
  return std::string_view(st.message()).find(part) != std::string_view::npos;
}

// Loads `bytes` into a sentinel; requires a refusal whose message holds every part, and the
// sentinel unchanged.
template <class Net>
void refused(const std::vector<std::byte>& bytes, std::initializer_list<std::string_view> parts) {
  auto p = sentinel<Net>();
  const auto before = p;
  const ci::status st = ci::load_blob<Net>(p, bytes);
  INFO(st.message());
  CHECK_FALSE(st.ok());
  for (auto part : parts) CHECK(contains(st, part));
  CHECK(same_bytes(p, before));
}

}  // namespace

TEST_CASE("write_blob then load_blob gives the parameters back, float and double") {
  {
    const auto p = numbered<MultiF>();
    const auto bytes = blob_of<MultiF>(p);
    auto q = sentinel<MultiF>();
    const ci::status st = ci::load_blob<MultiF>(q, bytes);
    REQUIRE(st.ok());
    CHECK(same_bytes(p, q));
    CHECK(ci::get<4>(q).weight[95] == static_cast<float>(value(18 + 2 + 8 + 36 + 2 + 8 + 95)));
  }
  {
    const auto p = numbered<MultiD>();
    const auto bytes = blob_of<MultiD>(p);
    auto q = sentinel<MultiD>();
    REQUIRE(ci::load_blob<MultiD>(q, bytes).ok());
    CHECK(same_bytes(p, q));
  }
  // The layout, field by field, for the tiny net.
  const auto p = numbered<Tiny>();
  const auto b = blob_of<Tiny>(p);
  CHECK(std::memcmp(b.data(), "CTINFER\x1a", 8) == 0);
  CHECK(b[8] == std::byte{1});    // version
  CHECK(b[12] == std::byte{1});   // float32
  CHECK(b[16] == std::byte{0x14});  // signature, little-endian
  CHECK(b[23] == std::byte{0x89});
  CHECK(b[24] == std::byte{2});   // tensors
  CHECK(b[32] == std::byte{15});  // values
  CHECK(b[48] == std::byte{12});  // weight's size
  CHECK(b[56] == std::byte{3});   // bias's size
  float w0 = 0;
  std::memcpy(&w0, b.data() + 64, 4);
  CHECK(w0 == static_cast<float>(value(0)));
}

TEST_CASE("load_blob takes std::byte, unsigned char and char bytes, at any alignment") {
  const auto p = numbered<MultiF>();
  const auto bytes = blob_of<MultiF>(p);
  std::vector<unsigned char> shifted(bytes.size() + 1);
  std::memcpy(shifted.data() + 1, bytes.data(), bytes.size());
  auto q = sentinel<MultiF>();
  REQUIRE(ci::load_blob<MultiF>(q, std::span<const unsigned char>(shifted.data() + 1, bytes.size())).ok());
  CHECK(same_bytes(p, q));
  std::vector<char> chars(bytes.size());
  std::memcpy(chars.data(), bytes.data(), bytes.size());
  auto r = sentinel<MultiF>();
  REQUIRE(ci::load_blob<MultiF>(r, chars).ok());
  CHECK(same_bytes(p, r));
  std::vector<unsigned char> out(ci::blob_size_v<MultiF> + 3, 0xEE);
  REQUIRE(ci::write_blob<MultiF>(p, out).ok());
  CHECK(std::memcmp(out.data(), bytes.data(), bytes.size()) == 0);
  CHECK(out.back() == 0xEE);  // bytes past the blob are left alone
}

TEST_CASE("blobs from the Python writer load, and its signature is the library's") {
#if CTINFER_TEST_PYTHON_BLOB
  static_assert(blob_fixture::python_signature_dense_4_3 == ci::model_signature_v<Tiny>);
  static_assert(blob_fixture::python_signature == ci::model_signature_v<MultiF>);
  const auto expected_f = numbered<MultiF>();
  auto pf = sentinel<MultiF>();
  const ci::status sf = ci::load_blob<MultiF>(pf, std::span<const unsigned char>(blob_fixture::multi_f32));
  INFO(sf.message());
  REQUIRE(sf.ok());
  CHECK(same_bytes(pf, expected_f));
  const auto expected_d = numbered<MultiD>();
  auto pd = sentinel<MultiD>();
  REQUIRE(ci::load_blob<MultiD>(pd, std::span<const unsigned char>(blob_fixture::multi_f64)).ok());
  CHECK(same_bytes(pd, expected_d));
  // The C++ writer makes the same bytes as the Python one.
  const auto mine = blob_of<MultiF>(expected_f);
  REQUIRE(mine.size() == sizeof(blob_fixture::multi_f32));
  CHECK(std::memcmp(mine.data(), blob_fixture::multi_f32, mine.size()) == 0);
  // Its float32 blob refused by the double net, by element type.
  auto pd2 = sentinel<MultiD>();
  const ci::status st = ci::load_blob<MultiD>(pd2, std::span<const unsigned char>(blob_fixture::multi_f32));
  CHECK(std::string_view(st.message()) == "load_blob: blob holds float32, the network is float64");
#else
  MESSAGE("the Python blob fixture was not generated (no /usr/bin/python3 with numpy): skipped");
#endif
}

TEST_CASE("every check refuses its corruption, says what it found, and changes nothing") {
  const auto good = blob_of<MultiF>(numbered<MultiF>());
  constexpr std::size_t n_tensors = 14;

  SUBCASE("too short for the header") {
    refused<MultiF>(std::vector<std::byte>(good.begin(), good.begin() + 47),
                    {"load_blob: 47 bytes is too short", "48"});
    refused<MultiF>({}, {"0 bytes is too short"});
  }
  SUBCASE("bad magic") {
    auto b = good;
    b[7] = std::byte{0x0A};
    refused<MultiF>(b, {"load_blob: not a ctinfer blob (bad magic)"});
  }
  SUBCASE("unsupported version") {
    auto b = good;
    put_u32(b, 8, 7);
    refused<MultiF>(b, {"load_blob: unsupported blob format version 7 (this library reads version 1)"});
  }
  SUBCASE("unknown element type") {
    auto b = good;
    put_u32(b, 12, 3);
    refused<MultiF>(b, {"unknown element type 3"});
  }
  SUBCASE("other element type") {
    const auto d = blob_of<MultiD>(numbered<MultiD>());
    refused<MultiF>(d, {"load_blob: blob holds float64, the network is float32"});
    refused<MultiD>(good, {"load_blob: blob holds float32, the network is float64"});
  }
  SUBCASE("signature") {
    auto b = good;
    put_u64(b, 16, 0x0123456789abcdefull);
    refused<MultiF>(b, {"load_blob: this blob is for another model (signature 0x0123456789abcdef, this "
                        "network's is 0x"});
  }
  SUBCASE("tensor count") {
    auto b = good;
    put_u64(b, 24, 13);
    refused<MultiF>(b, {"load_blob: the blob has 13 tensors, the network has 14"});
  }
  SUBCASE("tensor size") {
    auto b = good;
    put_u64(b, 48 + 8 * 6, 35);  // the second convolution's weight
    reseal(b);
    refused<MultiF>(b, {"load_blob: tensor 6 has 35 values in the blob, 36 in the network"});
  }
  SUBCASE("total") {
    auto b = good;
    put_u64(b, 32, 172);
    refused<MultiF>(b, {"load_blob: the blob says 172 values in all, the network has 173"});
  }
  SUBCASE("byte length: one byte short, one too many, cut in the size table") {
    refused<MultiF>(std::vector<std::byte>(good.begin(), good.end() - 1),
                    {"load_blob: expected 852 bytes (14 tensors, 173 float32 values), got 851"});
    auto longer = good;
    longer.push_back(std::byte{0});
    refused<MultiF>(longer, {"expected 852 bytes", "got 853"});
    refused<MultiF>(std::vector<std::byte>(good.begin(), good.begin() + 48 + 8 * n_tensors - 1),
                    {"expected 852 bytes", "got 159"});
  }
  SUBCASE("a running variance below zero or NaN") {
    for (const float bad : {-0.5f, std::numeric_limits<float>::quiet_NaN()}) {
      auto b = good;
      const auto bits = std::bit_cast<std::uint32_t>(bad);
      put_u32(b, 48 + 8 * n_tensors + 4 * 73, bits);  // the second BatchNorm's running_var[1]
      reseal(b);
      refused<MultiF>(b, {"load_blob: BatchNorm running_var[1] is negative or NaN (the layer's values start at value 66)"});
    }
  }
  SUBCASE("checksum: a flipped bit in a value, in a size, and in the stored sum") {
    for (std::size_t at : {std::size_t{48 + 8 * n_tensors + 5}, good.size() - 1, std::size_t{48 + 3}, std::size_t{41}}) {
      auto b = good;
      b[at] ^= std::byte{0x10};
      if (at == 48 + 3) {  // a size's high byte: the size check fires first
        refused<MultiF>(b, {"tensor 0 has"});
        continue;
      }
      refused<MultiF>(b, {"load_blob: checksum mismatch (stored 0x", ", computed 0x", "the blob is corrupt"});
    }
  }
}

TEST_CASE("a blob for another architecture is refused by its signature") {
  const auto tiny = blob_of<Tiny>(numbered<Tiny>());
  auto p = sentinel<TinyWider>();
  const auto before = p;
  const ci::status st = ci::load_blob<TinyWider>(p, tiny);
  CHECK(std::string_view(st.message()) ==
        "load_blob: this blob is for another model (signature 0x89d17cc46a69cf14, this network's is " +
            hex(ci::model_signature_v<TinyWider>) + ")");
  CHECK(same_bytes(p, before));
  // The wider net's own blob is refused by the tiny net (and its larger size is not reached).
  auto q = sentinel<Tiny>();
  CHECK(contains(ci::load_blob<Tiny>(q, blob_of<TinyWider>(numbered<TinyWider>())), "another model"));
}

TEST_CASE("write_blob refuses a short output and writes nothing") {
  const auto p = numbered<Tiny>();
  std::vector<std::byte> out(ci::blob_size_v<Tiny> - 1, std::byte{0x5A});
  const ci::status st = ci::write_blob<Tiny>(p, out);
  CHECK(std::string_view(st.message()) == "write_blob: the output holds 123 bytes, the blob needs 124");
  for (auto b : out) CHECK(b == std::byte{0x5A});
}

// Both directions in constant evaluation: the compiler writes a blob and loads it back.
constexpr bool constexpr_round_trip() {
  ci::params_t<Tiny> p{};
  ci::get<0>(p).weight[5] = 1.5f;
  ci::get<0>(p).bias[2] = -0.25f;
  std::array<std::byte, ci::blob_size_v<Tiny>> bytes{};
  if (!ci::write_blob<Tiny>(p, bytes)) return false;
  ci::params_t<Tiny> q{};
  if (!ci::load_blob<Tiny>(q, bytes)) return false;
  bytes[100] ^= std::byte{1};
  ci::params_t<Tiny> r{};
  if (ci::load_blob<Tiny>(r, bytes)) return false;  // checksum
  return q.weight[5] == 1.5f && q.bias[2] == -0.25f && q.weight[0] == 0.0f;
}
static_assert(constexpr_round_trip());

TEST_CASE("load_blob and write_blob allocate nothing") {
  static ci::params_t<MultiF> p{};
  static std::array<std::byte, ci::blob_size_v<MultiF>> bytes{};
  static std::array<std::byte, ci::blob_size_v<MultiF>> corrupt{};
  const auto src = numbered<MultiF>();
  ctinfer_test::allocations = 0;
  ctinfer_test::counting = true;
  const bool wrote = ci::write_blob<MultiF>(src, bytes).ok();
  corrupt = bytes;
  corrupt[200] ^= std::byte{1};
  const bool loaded = ci::load_blob<MultiF>(p, bytes).ok();
  const bool refused_checksum = !ci::load_blob<MultiF>(p, corrupt).ok();
  const bool refused_short = !ci::load_blob<MultiF>(p, std::span<const std::byte>(bytes.data(), 100)).ok();
  ctinfer_test::counting = false;
  CHECK(wrote);
  CHECK(loaded);
  CHECK(refused_checksum);
  CHECK(refused_short);
  CHECK(ctinfer_test::allocations == 0);
  CHECK(same_bytes(p, src));
}
