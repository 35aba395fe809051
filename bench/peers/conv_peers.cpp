// bench/peers/conv_peers.cpp - oneDNN (C++ API, dnnl.hpp) and LibTorch peers for ctinfer's
// convolution benchmarks; see conv_peers.hpp for the interface. The only TU that includes
// oneDNN or Torch headers. Each peer is compiled in only when CTINFER_HAVE_ONEDNN /
// CTINFER_HAVE_LIBTORCH is defined (bench/CMakeLists.txt does it when the package is found).

#include "conv_peers.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#ifdef _OPENMP
#include <omp.h>
#endif

#ifdef CTINFER_HAVE_ONEDNN
#include <oneapi/dnnl/dnnl.hpp>
#endif

#ifdef CTINFER_HAVE_LIBTORCH
// The pieces used, not <torch/torch.h> (which also pulls in optimizers, data loaders,
// serialization, ...: 34 s instead of 26 s for this file at -O3).
#include <ATen/Parallel.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/pooling.h>
#include <torch/utils.h>
#include <torch/version.h>
#endif

namespace conv_peers {

bool have_onednn() noexcept {
#ifdef CTINFER_HAVE_ONEDNN
  return true;
#else
  return false;
#endif
}

bool have_libtorch() noexcept {
#ifdef CTINFER_HAVE_LIBTORCH
  return true;
#else
  return false;
#endif
}

std::string versions() {
  std::string v;
#ifdef CTINFER_HAVE_ONEDNN
  const dnnl_version_t* dv = dnnl_version();
  v += "oneDNN " + std::to_string(dv->major) + "." + std::to_string(dv->minor) + "." +
       std::to_string(dv->patch) + " (cpu runtime " +
       (dv->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : std::to_string(dv->cpu_runtime)) + ")";
#endif
#ifdef CTINFER_HAVE_LIBTORCH
  if (!v.empty()) v += "; ";
  v += "LibTorch " + std::to_string(TORCH_VERSION_MAJOR) + "." +
       std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH);
#endif
  return v.empty() ? "none" : v;
}

namespace small_cnn {
conv_spec conv1() noexcept {
  conv_spec s;
  s.in_c = 1, s.out_c = 8, s.h = 28, s.w = 28, s.kh = 3, s.kw = 3, s.stride = 1, s.pad = 1;
  s.relu = true;
  return s;
}
conv_spec conv2() noexcept {
  conv_spec s;
  s.in_c = 8, s.out_c = 16, s.h = 14, s.w = 14, s.kh = 3, s.kw = 3, s.stride = 1, s.pad = 1;
  s.relu = true;
  return s;
}
}  // namespace small_cnn

namespace {

// One intra-op thread for the whole process (oneDNN here uses the OpenMP runtime; LibTorch's
// intra-op pool is OpenMP as well).
void single_thread() {
#ifdef _OPENMP
  omp_set_num_threads(1);
#endif
#ifdef CTINFER_HAVE_LIBTORCH
  at::set_num_threads(1);
#endif
}

void check_spec(const conv_spec& s) {
  if (s.in_c == 0 || s.out_c == 0 || s.kh == 0 || s.kw == 0 || s.stride == 0 || s.groups == 0 ||
      s.in_c % s.groups != 0 || s.out_c % s.groups != 0 || s.h + 2 * s.pad < s.kh ||
      s.w + 2 * s.pad < s.kw)
    throw std::invalid_argument("conv_peers: invalid conv_spec");
}

void check_params(std::size_t n) {
  if (n != small_cnn::param_count)
    throw std::invalid_argument("conv_peers: the small CNN takes " +
                                std::to_string(small_cnn::param_count) + " parameters, got " +
                                std::to_string(n));
}

[[noreturn]] void missing(const char* what) {
  throw std::runtime_error(std::string("conv_peers: built without ") + what);
}

}  // namespace

// ==========================================================================================
// oneDNN

#ifdef CTINFER_HAVE_ONEDNN
namespace {

namespace dn = dnnl;
using tag = dn::memory::format_tag;
using dt = dn::memory::data_type;
using dims = dn::memory::dims;

struct dnnl_ctx {
  dn::engine eng{dn::engine::kind::cpu, 0};
  dn::stream strm{eng};
};
dnnl_ctx& ctx() {
  static dnnl_ctx c;
  return c;
}

dn::memory::dim d(std::size_t v) { return static_cast<dn::memory::dim>(v); }

dn::memory::desc act_md(std::size_t c, std::size_t h, std::size_t w, tag t) {
  return dn::memory::desc({1, d(c), d(h), d(w)}, dt::f32, t);
}

// oneDNN's own name of a blocked layout ("abcd", "aBcd8b", "ABcd8b8a", ...).
std::string layout_name(const dn::memory::desc& md) {
  const dnnl_memory_desc_t& c = md.data;
  if (c.format_kind != dnnl_blocked) return "?";
  const auto& b = c.format_desc.blocking;
  std::vector<int> order(static_cast<std::size_t>(c.ndims));
  for (int i = 0; i < c.ndims; ++i) order[static_cast<std::size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](int x, int y) { return b.strides[x] > b.strides[y]; });
  std::string s;
  for (int i : order) {
    bool blocked = false;
    for (int k = 0; k < b.inner_nblks; ++k) blocked = blocked || b.inner_idxs[k] == i;
    s += static_cast<char>((blocked ? 'A' : 'a') + i);
  }
  for (int k = 0; k < b.inner_nblks; ++k)
    s += std::to_string(b.inner_blks[k]) + static_cast<char>('a' + b.inner_idxs[k]);
  return s;
}

dn::primitive_attr scratch_attr(bool relu) {
  dn::primitive_attr attr;
  attr.set_scratchpad_mode(dn::scratchpad_mode::user);
  if (relu) {
    dn::post_ops ops;
    ops.append_eltwise(1.f, dn::algorithm::eltwise_relu, 0.f, 0.f);
    attr.set_post_ops(ops);
  }
  return attr;
}

// Copies (reorders) a plain array into a new memory of descriptor `to`.
dn::memory from_plain(const dn::memory::desc& plain, const float* data, const dn::memory::desc& to) {
  auto& c = ctx();
  dn::memory user(plain, c.eng, const_cast<float*>(data));  // only read
  dn::memory m(to, c.eng);
  dn::reorder(user, m).execute(c.strm, user, m);
  c.strm.wait();
  return m;
}

// A convolution primitive with its reordered weights, bias and scratchpad.
struct dnnl_conv_layer {
  conv_spec s;
  dn::convolution_forward::primitive_desc pd;
  dn::convolution_forward prim;
  dn::memory weights, bias, scratch;

  // src_md / dst_md: concrete or tag::any.
  dnnl_conv_layer(const conv_spec& spec, const float* w, const float* b,
                  const dn::memory::desc& src_md, const dn::memory::desc& dst_md)
      : s(spec) {
    auto& c = ctx();
    const dims wdims = s.groups == 1 ? dims{d(s.out_c), d(s.in_c), d(s.kh), d(s.kw)}
                                     : dims{d(s.groups), d(s.out_c / s.groups),
                                            d(s.in_c / s.groups), d(s.kh), d(s.kw)};
    // PyTorch's [out_c][in_c / g][kh][kw] is exactly goihw.
    const dn::memory::desc w_plain(wdims, dt::f32, s.groups == 1 ? tag::oihw : tag::goihw);
    const dn::memory::desc w_any(wdims, dt::f32, tag::any);
    const dn::memory::desc b_md({d(s.out_c)}, dt::f32, tag::x);
    const dn::convolution_forward::desc desc(
        dn::prop_kind::forward_inference, dn::algorithm::convolution_direct, src_md, w_any, b_md,
        dst_md, {d(s.stride), d(s.stride)}, {d(s.pad), d(s.pad)}, {d(s.pad), d(s.pad)});
    pd = dn::convolution_forward::primitive_desc(desc, scratch_attr(s.relu), c.eng);
    prim = dn::convolution_forward(pd);
    weights = from_plain(w_plain, w, pd.weights_desc());
    bias = dn::memory(pd.bias_desc(), c.eng);
    float* bp = static_cast<float*>(bias.get_data_handle());
    if (b) std::memcpy(bp, b, s.out_c * sizeof(float));
    else std::fill(bp, bp + s.out_c, 0.f);
    scratch = dn::memory(pd.scratchpad_desc(), c.eng);
  }

  void exec(const dn::memory& src, const dn::memory& dst) {
    prim.execute(ctx().strm, {{DNNL_ARG_SRC, src},
                              {DNNL_ARG_WEIGHTS, weights},
                              {DNNL_ARG_BIAS, bias},
                              {DNNL_ARG_DST, dst},
                              {DNNL_ARG_SCRATCHPAD, scratch}});
  }

  std::string describe() const {
    return std::string(pd.impl_info_str()) + " src " + layout_name(pd.src_desc()) + " wei " +
           layout_name(pd.weights_desc()) + " dst " + layout_name(pd.dst_desc());
  }
};

struct dnnl_pool_layer {
  dn::pooling_forward::primitive_desc pd;
  dn::pooling_forward prim;
  dn::memory scratch;

  // 2x2 max pooling, stride 2, on a batch-1 tensor of descriptor src_md; dst any or plain.
  dnnl_pool_layer(const dn::memory::desc& src_md, bool plain) {
    auto& c = ctx();
    const dims sd = src_md.dims();
    const dn::memory::desc dst_md({sd[0], sd[1], sd[2] / 2, sd[3] / 2}, dt::f32,
                                  plain ? tag::nchw : tag::any);
    const dn::pooling_forward::desc desc(dn::prop_kind::forward_inference,
                                         dn::algorithm::pooling_max, src_md, dst_md, {2, 2},
                                         {2, 2}, {0, 0}, {0, 0});
    pd = dn::pooling_forward::primitive_desc(desc, scratch_attr(false), c.eng);
    prim = dn::pooling_forward(pd);
    scratch = dn::memory(pd.scratchpad_desc(), c.eng);
  }
  void exec(const dn::memory& src, const dn::memory& dst) {
    prim.execute(ctx().strm,
                 {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}, {DNNL_ARG_SCRATCHPAD, scratch}});
  }
};

}  // namespace

struct onednn_conv::impl {
  conv_spec s;
  onednn_layout layout;
  dn::memory::desc plain_src, plain_dst;
  dnnl_conv_layer conv;
  dn::memory src, dst;            // owned, in the primitive's layouts
  dn::memory user_src, user_dst;  // plain, no buffer of their own: the caller's pointers
  dn::reorder to_native, from_native;
  bool reorder_in, reorder_out;   // run(): native layout differs from plain

  impl(const conv_spec& spec, const float* w, const float* b, onednn_layout l)
      : s(spec),
        layout(l),
        plain_src(act_md(s.in_c, s.h, s.w, tag::nchw)),
        plain_dst(act_md(s.out_c, s.out_h(), s.out_w(), tag::nchw)),
        conv(s, w, b, l == onednn_layout::plain ? plain_src : act_md(s.in_c, s.h, s.w, tag::any),
             l == onednn_layout::plain ? plain_dst
                                       : act_md(s.out_c, s.out_h(), s.out_w(), tag::any)) {
    auto& c = ctx();
    src = dn::memory(conv.pd.src_desc(), c.eng);
    dst = dn::memory(conv.pd.dst_desc(), c.eng);
    user_src = dn::memory(plain_src, c.eng, DNNL_MEMORY_NONE);
    user_dst = dn::memory(plain_dst, c.eng, DNNL_MEMORY_NONE);
    to_native = dn::reorder(user_src, src);
    from_native = dn::reorder(dst, user_dst);
    reorder_in = !(conv.pd.src_desc() == plain_src);
    reorder_out = !(conv.pd.dst_desc() == plain_dst);
  }
};

onednn_conv::onednn_conv(const conv_spec& spec, const float* weight_oihw, const float* bias,
                         onednn_layout layout) {
  check_spec(spec);
  single_thread();
  p_ = std::make_unique<impl>(spec, weight_oihw, bias, layout);
}
onednn_conv::~onednn_conv() = default;
onednn_conv::onednn_conv(onednn_conv&&) noexcept = default;
onednn_conv& onednn_conv::operator=(onednn_conv&&) noexcept = default;

void onednn_conv::run(const float* x_chw, float* y_chw) {
  impl& p = *p_;
  auto& c = ctx();
  p.user_src.set_data_handle(const_cast<float*>(x_chw));
  p.user_dst.set_data_handle(y_chw);
  if (p.reorder_in) p.to_native.execute(c.strm, p.user_src, p.src);
  p.conv.exec(p.reorder_in ? p.src : p.user_src, p.reorder_out ? p.dst : p.user_dst);
  if (p.reorder_out) p.from_native.execute(c.strm, p.dst, p.user_dst);
  c.strm.wait();
}
void onednn_conv::set_input(const float* x_chw) {
  impl& p = *p_;
  p.user_src.set_data_handle(const_cast<float*>(x_chw));
  p.to_native.execute(ctx().strm, p.user_src, p.src);
  ctx().strm.wait();
}
void onednn_conv::run_native() {
  p_->conv.exec(p_->src, p_->dst);
  ctx().strm.wait();
}
void onednn_conv::get_output(float* y_chw) {
  impl& p = *p_;
  p.user_dst.set_data_handle(y_chw);
  p.from_native.execute(ctx().strm, p.dst, p.user_dst);
  ctx().strm.wait();
}
const conv_spec& onednn_conv::spec() const noexcept { return p_->s; }
std::string onednn_conv::describe() const { return p_->conv.describe(); }

// ------------------------------------------------------------------------------------------

struct onednn_small_cnn::impl {
  onednn_layout layout;
  dn::memory::desc plain_in, plain_out;
  dnnl_conv_layer conv1;
  dnnl_pool_layer pool1;
  dnnl_conv_layer conv2;
  dnnl_pool_layer pool2;
  dn::inner_product_forward::primitive_desc fc_pd;
  dn::inner_product_forward fc;
  dn::memory fc_w, fc_b, fc_scratch;
  dn::memory in, a1, p1, a2, p2, out;  // owned activations
  dn::memory user_in, user_out;
  dn::reorder to_native;
  bool reorder_in;

  static dn::memory::desc in_md(onednn_layout l) {
    return act_md(1, 28, 28, l == onednn_layout::plain ? tag::nchw : tag::any);
  }

  impl(const float* prm, onednn_layout l)
      : layout(l),
        plain_in(act_md(1, 28, 28, tag::nchw)),
        plain_out({1, 10}, dt::f32, tag::nc),
        conv1(small_cnn::conv1(), prm, prm + 72, in_md(l),
              act_md(8, 28, 28, l == onednn_layout::plain ? tag::nchw : tag::any)),
        pool1(conv1.pd.dst_desc(), l == onednn_layout::plain),
        conv2(small_cnn::conv2(), prm + 80, prm + 80 + 1152, pool1.pd.dst_desc(),
              act_md(16, 14, 14, l == onednn_layout::plain ? tag::nchw : tag::any)),
        pool2(conv2.pd.dst_desc(), l == onednn_layout::plain) {
    auto& c = ctx();
    const float* fw = prm + 80 + 1152 + 16;
    const float* fb = fw + 10 * 784;
    // The inner product reads the pooled 1x16x7x7 tensor in whatever layout it has; its
    // weights, given as [10][784] = [10][16][7][7] (oihw), are reordered to match.
    const dn::memory::desc w_any({10, 16, 7, 7}, dt::f32, tag::any);
    const dn::memory::desc b_md({10}, dt::f32, tag::x);
    const dn::inner_product_forward::desc desc(dn::prop_kind::forward_inference,
                                               pool2.pd.dst_desc(), w_any, b_md, plain_out);
    fc_pd = dn::inner_product_forward::primitive_desc(desc, scratch_attr(false), c.eng);
    fc = dn::inner_product_forward(fc_pd);
    fc_w = from_plain(dn::memory::desc({10, 16, 7, 7}, dt::f32, tag::oihw), fw,
                      fc_pd.weights_desc());
    fc_b = from_plain(b_md, fb, fc_pd.bias_desc());
    fc_scratch = dn::memory(fc_pd.scratchpad_desc(), c.eng);

    in = dn::memory(conv1.pd.src_desc(), c.eng);
    a1 = dn::memory(conv1.pd.dst_desc(), c.eng);
    p1 = dn::memory(pool1.pd.dst_desc(), c.eng);
    a2 = dn::memory(conv2.pd.dst_desc(), c.eng);
    p2 = dn::memory(pool2.pd.dst_desc(), c.eng);
    out = dn::memory(fc_pd.dst_desc(), c.eng);
    user_in = dn::memory(plain_in, c.eng, DNNL_MEMORY_NONE);
    user_out = dn::memory(plain_out, c.eng, DNNL_MEMORY_NONE);
    to_native = dn::reorder(user_in, in);
    reorder_in = !(conv1.pd.src_desc() == plain_in);
  }

  void exec(const dn::memory& x, const dn::memory& y) {
    conv1.exec(x, a1);
    pool1.exec(a1, p1);
    conv2.exec(p1, a2);
    pool2.exec(a2, p2);
    fc.execute(ctx().strm, {{DNNL_ARG_SRC, p2},
                            {DNNL_ARG_WEIGHTS, fc_w},
                            {DNNL_ARG_BIAS, fc_b},
                            {DNNL_ARG_DST, y},
                            {DNNL_ARG_SCRATCHPAD, fc_scratch}});
    ctx().strm.wait();
  }
};

onednn_small_cnn::onednn_small_cnn(const float* params, std::size_t param_count,
                                   onednn_layout layout) {
  check_params(param_count);
  single_thread();
  p_ = std::make_unique<impl>(params, layout);
}
onednn_small_cnn::~onednn_small_cnn() = default;
onednn_small_cnn::onednn_small_cnn(onednn_small_cnn&&) noexcept = default;
onednn_small_cnn& onednn_small_cnn::operator=(onednn_small_cnn&&) noexcept = default;

void onednn_small_cnn::run(const float* x_chw, float* logits) {
  impl& p = *p_;
  p.user_in.set_data_handle(const_cast<float*>(x_chw));
  p.user_out.set_data_handle(logits);
  if (p.reorder_in) p.to_native.execute(ctx().strm, p.user_in, p.in);
  p.exec(p.reorder_in ? p.in : p.user_in, p.user_out);  // the logits are plain nc already
}
void onednn_small_cnn::set_input(const float* x_chw) {
  impl& p = *p_;
  p.user_in.set_data_handle(const_cast<float*>(x_chw));
  p.to_native.execute(ctx().strm, p.user_in, p.in);
  ctx().strm.wait();
}
void onednn_small_cnn::run_native() { p_->exec(p_->in, p_->out); }
void onednn_small_cnn::get_output(float* logits) {
  std::memcpy(logits, p_->out.get_data_handle(), small_cnn::output_size * sizeof(float));
}
std::string onednn_small_cnn::describe() const {
  const impl& p = *p_;
  return "conv1 " + p.conv1.describe() + "; pool1 " + p.pool1.pd.impl_info_str() + " " +
         layout_name(p.pool1.pd.dst_desc()) + "; conv2 " + p.conv2.describe() + "; pool2 " +
         p.pool2.pd.impl_info_str() + "; fc " + p.fc_pd.impl_info_str() + " src " +
         layout_name(p.fc_pd.src_desc()) + " wei " + layout_name(p.fc_pd.weights_desc());
}

#else  // !CTINFER_HAVE_ONEDNN

struct onednn_conv::impl {};
onednn_conv::onednn_conv(const conv_spec&, const float*, const float*, onednn_layout) {
  missing("oneDNN");
}
onednn_conv::~onednn_conv() = default;
onednn_conv::onednn_conv(onednn_conv&&) noexcept = default;
onednn_conv& onednn_conv::operator=(onednn_conv&&) noexcept = default;
void onednn_conv::run(const float*, float*) { missing("oneDNN"); }
void onednn_conv::set_input(const float*) { missing("oneDNN"); }
void onednn_conv::run_native() { missing("oneDNN"); }
void onednn_conv::get_output(float*) { missing("oneDNN"); }
const conv_spec& onednn_conv::spec() const noexcept { std::terminate(); }
std::string onednn_conv::describe() const { missing("oneDNN"); }

struct onednn_small_cnn::impl {};
onednn_small_cnn::onednn_small_cnn(const float*, std::size_t, onednn_layout) {
  missing("oneDNN");
}
onednn_small_cnn::~onednn_small_cnn() = default;
onednn_small_cnn::onednn_small_cnn(onednn_small_cnn&&) noexcept = default;
onednn_small_cnn& onednn_small_cnn::operator=(onednn_small_cnn&&) noexcept = default;
void onednn_small_cnn::run(const float*, float*) { missing("oneDNN"); }
void onednn_small_cnn::set_input(const float*) { missing("oneDNN"); }
void onednn_small_cnn::run_native() { missing("oneDNN"); }
void onednn_small_cnn::get_output(float*) { missing("oneDNN"); }
std::string onednn_small_cnn::describe() const { missing("oneDNN"); }

#endif  // CTINFER_HAVE_ONEDNN

// ==========================================================================================
// LibTorch

#ifdef CTINFER_HAVE_LIBTORCH
namespace {

torch::Tensor wrap(const float* p, std::vector<std::int64_t> shape) {
  return torch::from_blob(const_cast<float*>(p), shape, torch::kFloat32);  // only read
}

void copy_out(const torch::Tensor& t, float* y, std::size_t n) {
  const torch::Tensor c = t.contiguous();
  if (static_cast<std::size_t>(c.numel()) != n)
    throw std::logic_error("conv_peers: unexpected LibTorch output size");
  std::memcpy(y, c.data_ptr<float>(), n * sizeof(float));
}

std::int64_t i64(std::size_t v) { return static_cast<std::int64_t>(v); }

}  // namespace

struct libtorch_conv::impl {
  conv_spec s;
  torch::nn::Conv2d conv{nullptr};
  torch::Tensor in, out;
};

libtorch_conv::libtorch_conv(const conv_spec& spec, const float* weight_oihw, const float* bias)
    : p_(std::make_unique<impl>()) {
  check_spec(spec);
  single_thread();
  torch::NoGradGuard no_grad;
  impl& p = *p_;
  const conv_spec& s = p.s = spec;
  p.conv = torch::nn::Conv2d(torch::nn::Conv2dOptions(i64(s.in_c), i64(s.out_c),
                                                      {i64(s.kh), i64(s.kw)})
                                 .stride(i64(s.stride))
                                 .padding(i64(s.pad))
                                 .groups(i64(s.groups))
                                 .bias(true));
  p.conv->eval();
  p.conv->weight.copy_(
      wrap(weight_oihw, {i64(s.out_c), i64(s.in_c / s.groups), i64(s.kh), i64(s.kw)}));
  if (bias) p.conv->bias.copy_(wrap(bias, {i64(s.out_c)}));
  else p.conv->bias.zero_();
  p.in = torch::zeros({1, i64(s.in_c), i64(s.h), i64(s.w)}, torch::kFloat32);
}
libtorch_conv::~libtorch_conv() = default;
libtorch_conv::libtorch_conv(libtorch_conv&&) noexcept = default;
libtorch_conv& libtorch_conv::operator=(libtorch_conv&&) noexcept = default;

void libtorch_conv::set_input(const float* x_chw) {
  std::memcpy(p_->in.data_ptr<float>(), x_chw, p_->s.in_size() * sizeof(float));
}
void libtorch_conv::run_native() {
  torch::NoGradGuard no_grad;
  impl& p = *p_;
  p.out = p.conv->forward(p.in);
  if (p.s.relu) p.out.relu_();
}
void libtorch_conv::get_output(float* y_chw) { copy_out(p_->out, y_chw, p_->s.out_size()); }
void libtorch_conv::run(const float* x_chw, float* y_chw) {
  set_input(x_chw);
  run_native();
  get_output(y_chw);
}
const conv_spec& libtorch_conv::spec() const noexcept { return p_->s; }

// ------------------------------------------------------------------------------------------

struct libtorch_small_cnn::impl {
  torch::nn::Sequential net{nullptr};
  torch::Tensor in, out;
};

libtorch_small_cnn::libtorch_small_cnn(const float* params, std::size_t param_count)
    : p_(std::make_unique<impl>()) {
  check_params(param_count);
  single_thread();
  torch::NoGradGuard no_grad;
  namespace nn = torch::nn;
  impl& p = *p_;
  p.net = nn::Sequential(nn::Conv2d(nn::Conv2dOptions(1, 8, 3).padding(1)), nn::ReLU(),
                         nn::MaxPool2d(nn::MaxPool2dOptions(2)),
                         nn::Conv2d(nn::Conv2dOptions(8, 16, 3).padding(1)), nn::ReLU(),
                         nn::MaxPool2d(nn::MaxPool2dOptions(2)), nn::Flatten(),
                         nn::Linear(16 * 7 * 7, 10));
  p.net->eval();
  // parameters() lists them in registration order: the state_dict order.
  std::size_t off = 0;
  for (torch::Tensor& t : p.net->parameters()) {
    const auto n = static_cast<std::size_t>(t.numel());
    t.copy_(wrap(params + off, t.sizes().vec()));
    off += n;
  }
  if (off != small_cnn::param_count) throw std::logic_error("conv_peers: parameter count");
  p.in = torch::zeros({1, 1, 28, 28}, torch::kFloat32);
}
libtorch_small_cnn::~libtorch_small_cnn() = default;
libtorch_small_cnn::libtorch_small_cnn(libtorch_small_cnn&&) noexcept = default;
libtorch_small_cnn& libtorch_small_cnn::operator=(libtorch_small_cnn&&) noexcept = default;

void libtorch_small_cnn::set_input(const float* x_chw) {
  std::memcpy(p_->in.data_ptr<float>(), x_chw, small_cnn::input_size * sizeof(float));
}
void libtorch_small_cnn::run_native() {
  torch::NoGradGuard no_grad;
  p_->out = p_->net->forward(p_->in);
}
void libtorch_small_cnn::get_output(float* logits) {
  copy_out(p_->out, logits, small_cnn::output_size);
}
void libtorch_small_cnn::run(const float* x_chw, float* logits) {
  set_input(x_chw);
  run_native();
  get_output(logits);
}

#else  // !CTINFER_HAVE_LIBTORCH

struct libtorch_conv::impl {};
libtorch_conv::libtorch_conv(const conv_spec&, const float*, const float*) {
  missing("LibTorch");
}
libtorch_conv::~libtorch_conv() = default;
libtorch_conv::libtorch_conv(libtorch_conv&&) noexcept = default;
libtorch_conv& libtorch_conv::operator=(libtorch_conv&&) noexcept = default;
void libtorch_conv::run(const float*, float*) { missing("LibTorch"); }
void libtorch_conv::set_input(const float*) { missing("LibTorch"); }
void libtorch_conv::run_native() { missing("LibTorch"); }
void libtorch_conv::get_output(float*) { missing("LibTorch"); }
const conv_spec& libtorch_conv::spec() const noexcept { std::terminate(); }

struct libtorch_small_cnn::impl {};
libtorch_small_cnn::libtorch_small_cnn(const float*, std::size_t) { missing("LibTorch"); }
libtorch_small_cnn::~libtorch_small_cnn() = default;
libtorch_small_cnn::libtorch_small_cnn(libtorch_small_cnn&&) noexcept = default;
libtorch_small_cnn& libtorch_small_cnn::operator=(libtorch_small_cnn&&) noexcept = default;
void libtorch_small_cnn::run(const float*, float*) { missing("LibTorch"); }
void libtorch_small_cnn::set_input(const float*) { missing("LibTorch"); }
void libtorch_small_cnn::run_native() { missing("LibTorch"); }
void libtorch_small_cnn::get_output(float*) { missing("LibTorch"); }

#endif  // CTINFER_HAVE_LIBTORCH

}  // namespace conv_peers
