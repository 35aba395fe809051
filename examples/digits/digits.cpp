// The digits demo: a PyTorch-trained MLP, its weights loaded with ci::load_flat, classifying
// scikit-learn's held-out 8x8 digits. Prints accuracy (it must equal PyTorch's, prediction for
// prediction) and the time per image next to PyTorch's. Run by examples/digits/run.sh.
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <ctinfer/ctinfer.hpp>

namespace ci = ctinfer;

// The same network as train.py, written as a type.
using Digits = ci::Sequential<ci::Input<ci::Shape<64>>,
                              ci::Dense<64>, ci::ReLU,
                              ci::Dense<32>, ci::ReLU,
                              ci::Dense<10>>;

template <class T>
static std::vector<T> read_file(const char* dir, const char* name) {
  char path[1024];
  std::snprintf(path, sizeof path, "%s/%s", dir, name);
  std::vector<T> data;
  if (FILE* f = std::fopen(path, "rb")) {
    T value;
    while (std::fread(&value, sizeof value, 1, f) == 1) data.push_back(value);
    std::fclose(f);
  }
  return data;
}

int main(int argc, char** argv) {
  const char* dir = argc > 1 ? argv[1] : ".";
  const auto weights = read_file<float>(dir, "digits_weights.f32");
  const auto images = read_file<float>(dir, "digits_test.f32");
  const auto labels = read_file<unsigned char>(dir, "digits_test.labels");

  static ci::params_t<Digits> params;  // 6,570 weights; static, not on the stack
  if (ci::status st = ci::load_flat(params, weights); !st) {
    std::fprintf(stderr, "cannot load %s/digits_weights.f32: %s\n", dir, st.message());
    return 1;
  }
  static ci::Model<Digits> model{params};

  double torch_accuracy = 0, torch_us = 0;
  std::size_t n = labels.size();
  std::vector<int> torch_pred(n);
  char path[1024];
  std::snprintf(path, sizeof path, "%s/digits_pytorch.txt", dir);
  if (FILE* f = std::fopen(path, "r")) {
    std::size_t m = 0;
    if (std::fscanf(f, "%lf %lf %zu", &torch_accuracy, &torch_us, &m) != 3 || m != n) return 1;
    for (auto& p : torch_pred)
      if (std::fscanf(f, "%d", &p) != 1) return 1;
    std::fclose(f);
  }
  if (n == 0 || images.size() != n * 64) {
    std::fprintf(stderr, "no test set in %s (run examples/digits/run.sh)\n", dir);
    return 1;
  }

  std::size_t correct = 0, same_as_torch = 0;
  std::array<float, 64> x;
  for (std::size_t i = 0; i < n; ++i) {
    std::copy_n(images.begin() + static_cast<std::ptrdiff_t>(i * 64), 64, x.begin());
    const std::array<float, 10> logits = model(x);
    const int label = static_cast<int>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    correct += label == labels[i];
    same_as_torch += label == torch_pred[i];
  }

  // Time per image at batch 1: the median of 7 passes over the test set.
  std::array<double, 7> passes;
  float sink = 0;
  for (double& pass : passes) {
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      std::copy_n(images.begin() + static_cast<std::ptrdiff_t>(i * 64), 64, x.begin());
      sink += model(x)[0];
    }
    pass = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / n;
  }
  std::sort(passes.begin(), passes.end());
  const double us = passes[passes.size() / 2];

  std::printf("ctinfer: accuracy %.2f%% on %zu held-out digits (PyTorch: %.2f%%); "
              "%zu of %zu predictions identical to PyTorch's\n",
              100.0 * correct / n, n, 100.0 * torch_accuracy, same_as_torch, n);
  std::printf("time per image, batch 1, one core: ctinfer %.3f us, PyTorch %.2f us (%.0fx faster)%s\n",
              us, torch_us, torch_us / us, sink == 12345.f ? " " : "");
  return same_as_torch == n ? 0 : 2;
}
