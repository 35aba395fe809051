// Real-time guarantees of streaming (Model::step, Model::process), each tested:
// - no system call: the calls run in a child process under seccomp's strict mode, where any
//   system call but read/write/exit kills the process (a positive control shows it does);
// - no allocation: the global allocation functions count calls;
// - no locks: pthread_mutex_lock and the guard of function-local statics count calls;
// - no exceptions: step and process are noexcept, and this file (as every test) is built
//   with -fno-exceptions;
// - a state of compile-time size.
#include <dlfcn.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <span>

#include <ctinfer/ctinfer.hpp>
#include <doctest/doctest.h>

#include "support/count_allocations.hpp"

using ctinfer_test::allocations;
using ctinfer_test::counting;

// Interposed: counted, then the real function (looked up without a function-local static,
// whose guard would call back in here).
namespace {
std::atomic<int> locks{0};
using mutex_lock_fn = int (*)(pthread_mutex_t*);
using guard_acquire_fn = int (*)(long long*);
mutex_lock_fn real_mutex_lock = nullptr;
guard_acquire_fn real_guard_acquire = nullptr;
}  // namespace
extern "C" int pthread_mutex_lock(pthread_mutex_t* m) {
  if (counting) ++locks;
  if (!real_mutex_lock) real_mutex_lock = reinterpret_cast<mutex_lock_fn>(dlsym(RTLD_NEXT, "pthread_mutex_lock"));
  return real_mutex_lock(m);
}
extern "C" int __cxa_guard_acquire(long long* g) {
  if (counting) ++locks;
  if (!real_guard_acquire)
    real_guard_acquire = reinterpret_cast<guard_acquire_fn>(dlsym(RTLD_NEXT, "__cxa_guard_acquire"));
  return real_guard_acquire(g);
}

namespace ci = ctinfer;
// An amp-style net (causal dilated convolutions, a gated residual block, a GRU, a Dense) and
// a stacked LSTM (its first layer large enough to run pipelined, kernels::recurrent_pipelined).
using Amp = ci::Sequential<ci::Input<ci::Shape<1, 256>>, ci::Conv1D<8, ci::Kernel<3>, ci::Causal>, ci::Tanh,
                           ci::Residual<ci::Sequential<ci::Conv1D<16, ci::Kernel<2>, ci::Dilation<8>, ci::Causal>,
                                                       ci::GatedTanh, ci::Conv1D<8, ci::Kernel<1>>>>,
                           ci::Transpose, ci::GRU<16>, ci::Dense<1>>;
using Lstm = ci::Sequential<ci::Input<ci::Shape<256, 2>>, ci::LSTM<32, ci::InitialState>, ci::LSTM<8>, ci::Dense<2>>;
static_assert(ci::kernels::recurrent_pipelined<float>(4, 32));

static_assert(noexcept(std::declval<const ci::Model<Amp>&>().step(std::declval<ci::State<Amp>&>(),
                                                                  std::declval<std::span<const float, 1>>(), std::declval<std::span<float, 1>>())));
static_assert(noexcept(std::declval<const ci::Model<Lstm>&>().process(
    std::declval<ci::State<Lstm>&>(), std::span<const float>(), std::span<float>())));
// What a stream carries, known to the compiler: h (and c) per recurrent layer, a ring of
// (kernel - 1) * dilation frames per causal convolution.
static_assert(ci::State<Amp>::state_size == 16 + 64 + 2 * 16);
static_assert(ci::State<Lstm>::state_size == 2 * 32 + 2 * 16);

namespace {
ci::params_t<Amp> amp_params;
ci::params_t<Lstm> lstm_params;
std::array<float, 1024> input_signal;

template <class Net>
void fill(ci::params_t<Net>& p) {
  std::array<float, ci::param_count_v<Net>> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<float>(static_cast<int>(i * 37 % 101) - 50) / 200.0f;
  REQUIRE(ci::load_flat(p, std::span<const float>(flat)).ok());
}

// Runs every streaming entry point on both nets; true if all outputs are finite.
bool stream_everything(const ci::Model<Amp>& amp, ci::State<Amp>& amp_state, const ci::Model<Lstm>& lstm,
                       ci::State<Lstm>& lstm_state) {
  bool finite = true;
  std::array<float, 1024> out{};
  for (std::size_t t = 0; t < 256; ++t) {
    amp.step(amp_state, std::span<const float, 1>(input_signal.data() + t, 1), std::span<float, 1>(out.data() + t, 1));
  }
  finite = finite && amp.process(amp_state, std::span<const float>(input_signal.data(), 768), std::span<float>(out.data(), 768)).ok();
  amp_state.reset();
  finite = finite && amp.process(amp_state, std::span<const float>(input_signal), std::span<float>(out)).ok();
  for (float v : out) finite = finite && v == v;
  for (std::size_t t = 0; t < 256; ++t)
    lstm.step(lstm_state, std::span<const float, 2>(input_signal.data() + 2 * t, 2), std::span<float, 2>(out.data() + 2 * t, 2));
  lstm_state.reset();
  finite = finite && lstm.process(lstm_state, std::span<const float>(input_signal), std::span<float>(out)).ok();
  for (float v : out) finite = finite && v == v;
  // A wrong size is an error value, not a call into the system.
  finite = finite && !lstm.process(lstm_state, std::span<const float>(input_signal.data(), 3), std::span<float>(out)).ok();
  return finite;
}
}  // namespace

TEST_CASE("streaming allocates nothing, takes no lock and makes no system call") {
  for (std::size_t i = 0; i < input_signal.size(); ++i) input_signal[i] = static_cast<float>(i % 50) / 25.0f - 1.0f;
  fill<Amp>(amp_params);
  fill<Lstm>(lstm_params);
  static const ci::Model<Amp> amp{amp_params};
  static const ci::Model<Lstm> lstm{lstm_params};
  static ci::State<Amp> amp_state;
  static ci::State<Lstm> lstm_state;

  // Allocations and locks, counted in this process.
  counting = true;
  const bool finite = stream_everything(amp, amp_state, lstm, lstm_state);
  counting = false;
  CHECK(finite);
  CHECK(allocations == 0);
  CHECK(locks == 0);

  // System calls: in a child under seccomp strict mode (read, write, _exit and sigreturn only;
  // anything else is SIGKILL). The child exits with 0 only if every output was finite.
  amp_state.reset();
  lstm_state.reset();
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) syscall(SYS_exit, 2);
    const bool ok = stream_everything(amp, amp_state, lstm, lstm_state);
    syscall(SYS_exit, ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  INFO("child: exited " << WIFEXITED(status) << " with " << WEXITSTATUS(status) << ", killed by input_signal "
                        << (WIFSIGNALED(status) ? WTERMSIG(status) : 0) << " (9: a system call)");
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("the seccomp check catches a system call (positive control)") {
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) != 0) syscall(SYS_exit, 2);
    (void)getppid();  // not allowed: the kernel kills the child here
    syscall(SYS_exit, 0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}

TEST_CASE("denormals_off flushes denormals for its scope only") {
  volatile float tiny = 1e-38f;  // normal; tiny / 1000 is denormal
  const float before = tiny / 1000.0f;
  float inside = 0;
  {
    ci::denormals_off guard;
    inside = tiny / 1000.0f;
  }
  const float after = tiny / 1000.0f;
  CHECK(before > 0.0f);
  CHECK(after > 0.0f);
  if (ci::denormals_off::enabled()) CHECK(inside == 0.0f);
}

namespace {
int first_use() {
  static const int value = static_cast<int>(input_signal[1] * 0.0f) + 1024;  // run-time, guarded initialisation
  return value;
}
}  // namespace

TEST_CASE("the counters see allocations and locks (positive control)") {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  counting = true;
  const int before_locks = locks, before_allocations = allocations;
  pthread_mutex_lock(&mutex);
  pthread_mutex_unlock(&mutex);
  CHECK(first_use() == 1024);
  ::operator delete(::operator new(16));  // (a new-expression could be elided)
  counting = false;
  CHECK(locks - before_locks == 2);
  CHECK(allocations - before_allocations == 1);
}
