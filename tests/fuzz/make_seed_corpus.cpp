// Writes the seed corpus for fuzz_load_blob into a fresh directory: a valid blob for each
// net (float and double), cuts of the float one at every boundary of its layout, and copies
// with one header field changed (each reaching a different check). Also empties the
// fuzzer's working corpus directory, so that each run starts from the same seeds.
//
//   make_seed_corpus SEED_DIR [WORK_DIR]
#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "fuzz_net.hpp"

namespace {
namespace ci = ctinfer;

bool put(const std::filesystem::path& dir, const std::string& name, const std::vector<unsigned char>& bytes) {
  std::FILE* f = std::fopen((dir / name).c_str(), "wb");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  return std::fclose(f) == 0 && ok;
}

template <class Net>
std::vector<unsigned char> valid() {
  std::vector<unsigned char> out(ci::blob_size_v<Net>);
  (void)ci::write_blob<Net>(fuzz_blob::numbered<Net>(), out);
  return out;
}

bool fresh_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return std::filesystem::create_directories(dir, ec) && !ec;
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fputs("usage: make_seed_corpus SEED_DIR [WORK_DIR]\n", stderr);
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  if (!fresh_dir(dir) || (argc == 3 && !fresh_dir(argv[2]))) return 1;
  const auto f = valid<fuzz_blob::NetF>();
  bool ok = put(dir, "valid_f32", f) && put(dir, "valid_f64", valid<fuzz_blob::NetD>());
  const std::size_t table_end = 48 + 8 * 9;
  for (std::size_t cut : {std::size_t{0}, std::size_t{8}, std::size_t{47}, std::size_t{48}, std::size_t{56},
                          table_end - 1, table_end, f.size() - 1})
    ok = ok && put(dir, "cut_" + std::to_string(cut), std::vector<unsigned char>(f.begin(), f.begin() + cut));
  auto longer = f;
  longer.push_back(0);
  ok = ok && put(dir, "longer", longer);
  for (std::size_t field : {std::size_t{8}, std::size_t{12}, std::size_t{16}, std::size_t{24}, std::size_t{32},
                            std::size_t{40}, std::size_t{48}, table_end}) {
    auto b = f;
    b[field] ^= 0x01;
    ok = ok && put(dir, "field_" + std::to_string(field), b);
  }
  std::printf("make_seed_corpus: %s\n", ok ? "written" : "failed");
  return ok ? 0 : 1;
}
