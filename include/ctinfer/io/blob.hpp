// ctinfer/io/blob.hpp - a network's weights as one checked, versioned binary blob.
//
// A blob is a file (or any bytes) holding every parameter tensor of one network, made by
// tools/ctinfer_convert/blob.py (write_blob) or by ci::write_blob in C++. load_blob checks
// the whole blob before it writes anything: magic, format version, element type, the model
// signature, the tensor count, each tensor's size, the total, the exact byte length, a
// checksum, and the values layers refuse (a BatchNorm running variance below zero or NaN).
// Any failure is a ci::status naming what it found; `params` is then untouched.
// The network is named explicitly (the blob is checked against its shapes):
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<4>>, ci::Dense<3>>;
//   static std::array<std::byte, ci::blob_size_v<Net>> bytes;   // read from a file, embedded...
//   ci::params_t<Net> params{};
//   ci::status st = ci::load_blob<Net>(params, bytes);
//   if (!st) std::puts(st.message());  // "load_blob: this blob is for another model (...)"
//
// Format version 1, every integer little-endian, no padding:
//   offset  size  field
//   0       8     magic: "CTINFER" then 0x1A
//   8       4     u32 format version (1)
//   12      4     u32 element type: 1 = float32, 2 = float64 (IEEE binary32/binary64)
//   16      8     u64 model signature (below)
//   24      8     u64 tensor count n
//   32      8     u64 total number of values (the sum of the tensor sizes)
//   40      8     u64 checksum: FNV-1a 64 of every byte from offset 48 to the end
//   48      8n    u64 size (in values) of each tensor, in params_t order
//   48+8n   ...   the values, tensor after tensor, little-endian, in load_flat's order
// A blob is exactly 48 + 8n + total * sizeof(element) bytes long; anything else is refused.
//
// The model signature is FNV-1a 64 of the text
//   "ctinfer-model;in=D0,D1,...;out=E0,E1,...;tensors=S0,S1,..."
// (input shape, output shape, each parameter tensor's size in params_t order; decimal, no
// spaces). It is structural: it refuses a blob made for a network whose input or output
// shape or whose parameter tensor sizes differ (another Dense width, another kernel ...), but
// it cannot tell apart two networks that differ only in parameter-free layers with the same
// shapes (ReLU instead of Tanh, MaxPool instead of AvgPool of the same window), nor layers
// whose tensors happen to have the same sizes (a 1x3 and a 3x1 kernel). The element type is
// not part of it; it has its own field.
//
// No allocation, no exceptions; load_blob and write_blob also work in constant evaluation.
// Bytes may be std::byte, unsigned char or char, at any alignment.
// Pre: none (any bytes). Post: on success every parameter is set from the blob, bit for bit;
// on failure none is.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <span>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "ctinfer/core/element.hpp"
#include "ctinfer/core/status.hpp"
#include "ctinfer/model/params.hpp"
#include "ctinfer/model/shapes.hpp"

namespace ctinfer {

inline constexpr std::uint32_t blob_format_version = 1;

namespace detail::blob {

inline constexpr std::size_t header_size = 48;
inline constexpr std::array<std::uint8_t, 8> magic{'C', 'T', 'I', 'N', 'F', 'E', 'R', 0x1A};
inline constexpr std::uint64_t fnv_offset = 14695981039346656037ull;
inline constexpr std::uint64_t fnv_prime = 1099511628211ull;

// FNV-1a 64, fed piecewise.
struct fnv1a {
  std::uint64_t h = fnv_offset;
  constexpr fnv1a& add(std::string_view text) {
    for (char c : text) {
      h ^= static_cast<std::uint8_t>(c);
      h *= fnv_prime;
    }
    return *this;
  }
  constexpr fnv1a& add(std::size_t number) { return add(decimal(number).view()); }
  template <std::size_t N>
  constexpr fnv1a& add_list(const std::array<std::size_t, N>& values) {
    for (std::size_t i = 0; i < N; ++i) {
      if (i != 0) add(",");
      add(values[i]);
    }
    return *this;
  }
};

template <class B>
constexpr std::uint8_t byte_value(B b) {
  if constexpr (std::is_same_v<B, std::byte>)
    return std::to_integer<std::uint8_t>(b);
  else
    return static_cast<std::uint8_t>(b);
}
template <class B>
constexpr B to_byte(std::uint8_t v) {
  return static_cast<B>(v);
}

template <class U, class B>
constexpr U read_le(const B* p) {
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) v |= static_cast<U>(static_cast<U>(byte_value(p[i])) << (8 * i));
  return v;
}
template <class U, class B>
constexpr void write_le(B* p, U v) {
  for (std::size_t i = 0; i < sizeof(U); ++i) p[i] = to_byte<B>(static_cast<std::uint8_t>(v >> (8 * i)));
}

// FNV-1a 64 of n bytes (one out-of-line loop for every blob).
template <class B>
[[gnu::noinline]] constexpr std::uint64_t checksum(const B* p, std::size_t n) {
  std::uint64_t h = fnv_offset;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= byte_value(p[i]);
    h *= fnv_prime;
  }
  return h;
}

template <class T>
using bits_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;

// Value i of the little-endian T values starting at `from` (any alignment, bit for bit).
template <class T, class B>
constexpr T read_value(const B* from, std::size_t i) {
  return std::bit_cast<T>(read_le<bits_t<T>>(from + i * sizeof(T)));
}

// Values from little-endian bytes at any alignment; bit for bit (NaN payloads included).
template <class T, class B>
[[gnu::noinline]] constexpr void read_values(const B* from, T* to, std::size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    if (!std::is_constant_evaluated()) {
      if (n != 0) std::memcpy(to, from, n * sizeof(T));
      return;
    }
  }
  for (std::size_t i = 0; i < n; ++i) to[i] = read_value<T>(from, i);
}
template <class T, class B>
[[gnu::noinline]] constexpr void write_values(const T* from, B* to, std::size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    if (!std::is_constant_evaluated()) {
      if (n != 0) std::memcpy(to, from, n * sizeof(T));
      return;
    }
  }
  for (std::size_t i = 0; i < n; ++i) write_le(to + i * sizeof(T), std::bit_cast<bits_t<T>>(from[i]));
}

template <class T>
inline constexpr std::uint32_t element_code = std::is_same_v<T, float> ? 1 : 2;
constexpr std::string_view element_name(std::uint32_t code) {
  return code == 1 ? "float32" : code == 2 ? "float64" : "an unknown type";
}

// The parameter tensors of a params_pack: how many, and each one's size.
template <class Pack>
struct tensor_table;
template <class... P>
struct tensor_table<params_pack<P...>> {
  template <class Q>
  static constexpr std::size_t tensors_of = std::tuple_size_v<decltype(std::declval<Q&>().tensors())>;
  static constexpr std::size_t count = (std::size_t{0} + ... + tensors_of<P>);
  // The sizes are those of the spans tensors() returns (what load_flat fills), read from a
  // value-initialised object by the compiler.
  static constexpr std::array<std::size_t, count> sizes = [] {
    std::array<std::size_t, count> out{};
    std::size_t n = 0;
    auto one = [&]<class Q>(std::type_identity<Q>) {
      Q q{};
      for (auto t : q.tensors()) out[n++] = t.size();
    };
    (one(std::type_identity<P>{}), ...);
    (void)one;  // a network without parameters
    return out;
  }();
};

template <class S>
inline constexpr std::array<std::size_t, S::rank> dims_of = S::dims;

template <class Net>
struct blob_traits {
  using T = element_t<Net>;
  static_assert(std::numeric_limits<T>::is_iec559, "ctinfer: blobs store IEEE 754 values");
  using table = tensor_table<params_t<Net>>;
  static constexpr std::size_t tensor_count = table::count;
  static constexpr std::size_t values = param_count_v<Net>;
  static constexpr std::size_t table_end = header_size + 8 * tensor_count;
  static constexpr std::size_t size = table_end + values * sizeof(T);
  static constexpr std::uint64_t signature = fnv1a{}
                                                 .add("ctinfer-model;in=")
                                                 .add_list(dims_of<input_shape_t<Net>>)
                                                 .add(";out=")
                                                 .add_list(dims_of<output_shape_t<Net>>)
                                                 .add(";tensors=")
                                                 .add_list(table::sizes)
                                                 .h;
};

// Message helpers: u64 in decimal (status::append takes size_t) and in hex, 0x and 16 digits.
constexpr status& append_u64(status& s, std::uint64_t v) { return s.append(decimal(v).view()); }
constexpr status& append_hex(status& s, std::uint64_t v) {
  char digits[18] = {'0', 'x'};
  for (std::size_t i = 0; i < 16; ++i) digits[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xF];
  return s.append(std::string_view(digits, 18));
}

template <class Net>
constexpr status length_error(std::size_t got) {
  using traits = blob_traits<Net>;
  status s = status::error("load_blob: expected ");
  s.append(traits::size).append(" bytes (");
  s.append(traits::tensor_count).append(" tensors, ");
  s.append(traits::values).append(" ").append(element_name(element_code<typename traits::T>));
  s.append(" values), got ").append(got);
  return s;
}

template <class Net, class B>
constexpr status load(params_t<Net>& params, const B* data, std::size_t n) {
  using traits = blob_traits<Net>;
  using T = typename traits::T;
  if (n < header_size) {
    return status::error("load_blob: ")
        .append(n)
        .append(" bytes is too short for a ctinfer blob (its header alone is 48 bytes)");
  }
  for (std::size_t i = 0; i < magic.size(); ++i)
    if (byte_value(data[i]) != magic[i]) return status::error("load_blob: not a ctinfer blob (bad magic)");
  if (const auto version = read_le<std::uint32_t>(data + 8); version != blob_format_version) {
    status s = status::error("load_blob: unsupported blob format version ");
    append_u64(s, version).append(" (this library reads version ");
    return append_u64(s, blob_format_version).append(")");
  }
  if (const auto code = read_le<std::uint32_t>(data + 12); code != element_code<T>) {
    status s = status::error("load_blob: ");
    if (code != 1 && code != 2) {
      s.append("unknown element type ");
      append_u64(s, code).append(" (1 = float32, 2 = float64)");
      return s;
    }
    return s.append("blob holds ")
        .append(element_name(code))
        .append(", the network is ")
        .append(element_name(element_code<T>));
  }
  if (const auto sig = read_le<std::uint64_t>(data + 16); sig != traits::signature) {
    status s = status::error("load_blob: this blob is for another model (signature ");
    append_hex(s, sig).append(", this network's is ");
    return append_hex(s, traits::signature).append(")");
  }
  if (const auto count = read_le<std::uint64_t>(data + 24); count != traits::tensor_count) {
    status s = status::error("load_blob: the blob has ");
    append_u64(s, count).append(" tensors, the network has ");
    return s.append(traits::tensor_count);
  }
  if (n < traits::table_end) return length_error<Net>(n);
  for (std::size_t t = 0; t < traits::tensor_count; ++t) {
    if (const auto size = read_le<std::uint64_t>(data + header_size + 8 * t); size != traits::table::sizes[t]) {
      status s = status::error("load_blob: tensor ");
      s.append(t).append(" has ");
      append_u64(s, size).append(" values in the blob, ");
      return s.append(traits::table::sizes[t]).append(" in the network");
    }
  }
  if (const auto total = read_le<std::uint64_t>(data + 32); total != traits::values) {
    status s = status::error("load_blob: the blob says ");
    append_u64(s, total).append(" values in all, the network has ");
    return s.append(traits::values);
  }
  if (n != traits::size) return length_error<Net>(n);
  const std::uint64_t stored = read_le<std::uint64_t>(data + 40);
  if (const std::uint64_t computed = checksum(data + header_size, n - header_size); computed != stored) {
    status s = status::error("load_blob: checksum mismatch (stored ");
    append_hex(s, stored).append(", computed ");
    return append_hex(s, computed).append("): the blob is corrupt");
  }
  const B* values = data + traits::table_end;
  if (const status bad = check_values(std::type_identity<params_t<Net>>{}, "load_blob: ",
                                      [&](std::size_t i) { return read_value<T>(values, i); });
      !bad)
    return bad;
  // Everything holds: now, and only now, write.
  const B* at = values;
  auto fill = [&](auto& layer) {
    for (auto tensor : layer.tensors()) {
      read_values(at, tensor.data(), tensor.size());
      at += tensor.size() * sizeof(T);
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (fill(get<I>(params)), ...);
  }(std::make_index_sequence<params_t<Net>::size>{});
  return status{};
}

template <class Net, class B>
constexpr status write(const params_t<Net>& params, B* out, std::size_t n) {
  using traits = blob_traits<Net>;
  using T = typename traits::T;
  if (n < traits::size) {
    return status::error("write_blob: the output holds ")
        .append(n)
        .append(" bytes, the blob needs ")
        .append(traits::size);
  }
  for (std::size_t i = 0; i < magic.size(); ++i) out[i] = to_byte<B>(magic[i]);
  write_le(out + 8, blob_format_version);
  write_le(out + 12, element_code<T>);
  write_le(out + 16, traits::signature);
  write_le(out + 24, std::uint64_t{traits::tensor_count});
  write_le(out + 32, std::uint64_t{traits::values});
  for (std::size_t t = 0; t < traits::tensor_count; ++t)
    write_le(out + header_size + 8 * t, std::uint64_t{traits::table::sizes[t]});
  B* at = out + traits::table_end;
  auto put = [&](const auto& layer) {
    // tensors() gives mutable spans; they are only read here.
    using P = std::remove_cvref_t<decltype(layer)>;
    for (auto tensor : const_cast<P&>(layer).tensors()) {
      write_values(static_cast<const T*>(tensor.data()), at, tensor.size());
      at += tensor.size() * sizeof(T);
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (put(get<I>(params)), ...);
  }(std::make_index_sequence<params_t<Net>::size>{});
  write_le(out + 40, checksum(out + header_size, traits::size - header_size));
  return status{};
}

}  // namespace detail::blob

// The size in bytes of a blob of Net's weights in Net's element type.
template <class Net>
inline constexpr std::size_t blob_size_v = detail::blob::blob_traits<Net>::size;

// Net's model signature (see above): FNV-1a 64 of its shapes and parameter tensor sizes.
template <class Net>
inline constexpr std::uint64_t model_signature_v = detail::blob::blob_traits<Net>::signature;

// Checks `bytes` as a blob for Net, then fills `params` from it. Net is named explicitly:
// ci::load_blob<Net>(params, bytes). Bytes may be std::byte, unsigned char or char.
template <class Net>
constexpr status load_blob(params_t<Net>& params, std::span<const std::byte> bytes) {
  return detail::blob::load<Net>(params, bytes.data(), bytes.size());
}
template <class Net>
constexpr status load_blob(params_t<Net>& params, std::span<const unsigned char> bytes) {
  return detail::blob::load<Net>(params, bytes.data(), bytes.size());
}
template <class Net>
constexpr status load_blob(params_t<Net>& params, std::span<const char> bytes) {
  return detail::blob::load<Net>(params, bytes.data(), bytes.size());
}

// Writes Net's weights as a blob into the first blob_size_v<Net> bytes of `out` (an error if
// `out` is shorter; then nothing is written). Bytes after those are left alone.
template <class Net>
constexpr status write_blob(const params_t<Net>& params, std::span<std::byte> out) {
  return detail::blob::write<Net>(params, out.data(), out.size());
}
template <class Net>
constexpr status write_blob(const params_t<Net>& params, std::span<unsigned char> out) {
  return detail::blob::write<Net>(params, out.data(), out.size());
}

}  // namespace ctinfer
