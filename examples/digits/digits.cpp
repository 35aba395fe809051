// The digits demo: a CNN trained with PyTorch (train.py), exported to ONNX and converted to a
// C++ header at build time by ctinfer_add_model (examples/CMakeLists.txt), classifies the
// held-out 8x8 digits. Checks every prediction and logit against PyTorch's and prints the
// accuracy and the time per image next to PyTorch's. Run by examples/digits/run.sh.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <span>
#include <vector>

#include <ctinfer/ctinfer.hpp>

#include "digits.hpp"  // generated from digits.onnx: digits::model, digits::params

namespace ci = ctinfer;
constexpr std::size_t kPixels = ci::input_shape_t<digits::model>::size;    // 1 x 8 x 8
constexpr std::size_t kClasses = ci::output_shape_t<digits::model>::size;  // 10 logits

template <class T>
static std::vector<T> read(const char* dir, const char* name) {
  std::ifstream f(std::string(dir) + "/" + name, std::ios::binary);
  std::vector<char> bytes{std::istreambuf_iterator<char>(f), {}};
  std::vector<T> data(bytes.size() / sizeof(T));
  std::copy_n(bytes.data(), data.size() * sizeof(T), reinterpret_cast<char*>(data.data()));
  return data;
}

static int argmax(std::span<const float> logits) {  // the first maximum, as torch.argmax
  return static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : ".";
  const auto images = read<float>(dir, "test_images.f32");
  const auto labels = read<unsigned char>(dir, "test_labels.u8");
  const auto torch_logits = read<float>(dir, "torch_logits.f32");
  double torch_us = 0;
  std::ifstream(std::string(dir) + "/torch_time.txt") >> torch_us;
  const std::size_t n = labels.size();
  if (n == 0 || images.size() != n * kPixels || torch_logits.size() != n * kClasses || torch_us <= 0) {
    std::fprintf(stderr, "no test split in %s: run examples/digits/run.sh\n", dir);
    return 1;
  }

  static ci::Model<digits::model> model{digits::params};  // packs the weights once
  std::vector<float> logits(n * kClasses);
  auto classify_all = [&] {
    for (std::size_t i = 0; i < n; ++i)
      model.forward(std::span<const float, kPixels>(&images[i * kPixels], kPixels),
                    std::span<float, kClasses>(&logits[i * kClasses], kClasses));
  };

  // Time per image at batch 1, one image per call: the median of 7 passes over the split,
  // after a warm-up pass. Every pass writes the same logits; the last pass's are checked below.
  classify_all();
  std::array<double, 7> passes;
  for (double& pass : passes) {
    const auto start = std::chrono::steady_clock::now();
    classify_all();
    pass = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n;
  }
  std::sort(passes.begin(), passes.end());
  const double us = passes[passes.size() / 2];

  // Same float32 arithmetic in another order (folded BatchNorm, other summation order):
  // logits agree to about 1e-6 relative; a wrong weight or layout gives errors of order 1.
  const double tol = 1e-4;  // |ctinfer - PyTorch| <= tol * (1 + |PyTorch|), per logit
  std::size_t correct = 0, torch_correct = 0, agree = 0, beyond_tol = 0;
  double max_diff = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::span<const float> ours(&logits[i * kClasses], kClasses), theirs(&torch_logits[i * kClasses], kClasses);
    correct += argmax(ours) == labels[i];
    torch_correct += argmax(theirs) == labels[i];
    agree += argmax(ours) == argmax(theirs);
    for (std::size_t k = 0; k < kClasses; ++k) {
      const double d = std::fabs(double(ours[k]) - theirs[k]);
      max_diff = std::max(max_diff, d);
      beyond_tol += d > tol * (1 + std::fabs(theirs[k]));
    }
  }

  std::printf("accuracy on %zu held-out digits: ctinfer %.2f%%, PyTorch %.2f%%; "
              "%zu of %zu predictions identical to PyTorch's\n",
              n, 100.0 * correct / n, 100.0 * torch_correct / n, agree, n);
  std::printf("logits: max |ctinfer - PyTorch| = %.2g (%zu beyond %.0e x (1 + |PyTorch|))\n",
              max_diff, beyond_tol, tol);
  std::printf("time per image, batch 1, one core: ctinfer %.3f us, PyTorch %.1f us (%.0fx faster)\n",
              us, torch_us, torch_us / us);
  return correct == torch_correct && agree == n && beyond_tol == 0 ? 0 : 2;
}
