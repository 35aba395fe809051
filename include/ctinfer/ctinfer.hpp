// ctinfer/ctinfer.hpp - the one header a user includes.
//
//   #include <ctinfer/ctinfer.hpp>
//   namespace ci = ctinfer;
//   using Net = ci::Sequential<ci::Input<ci::Shape<16>>, ci::Dense<32>, ci::ReLU, ci::Dense<4>>;
//   ci::params_t<Net> params{};
//   ci::status st = ci::load_flat(params, flat_weights);   // PyTorch state_dict order
//   ci::Model<Net> model{params};
//   std::array<float, 4> y = model(x);
#pragma once

#include "ctinfer/core/constant.hpp"
#include "ctinfer/core/denormals.hpp"
#include "ctinfer/core/element.hpp"
#include "ctinfer/core/shape.hpp"
#include "ctinfer/core/status.hpp"
#include "ctinfer/io/blob.hpp"
#include "ctinfer/io/load_flat.hpp"
#include "ctinfer/layers/activations.hpp"
#include "ctinfer/layers/batchnorm.hpp"
#include "ctinfer/layers/conv.hpp"
#include "ctinfer/layers/conv_transpose.hpp"
#include "ctinfer/layers/dense.hpp"
#include "ctinfer/layers/gating.hpp"
#include "ctinfer/layers/options.hpp"
#include "ctinfer/layers/pooling.hpp"
#include "ctinfer/layers/prelu.hpp"
#include "ctinfer/layers/recurrent.hpp"
#include "ctinfer/layers/reshape.hpp"
#include "ctinfer/layers/sequence.hpp"
#include "ctinfer/layers/softmax.hpp"
#include "ctinfer/layers/upsample.hpp"
#include "ctinfer/layers/zero_pad.hpp"
#include "ctinfer/model/infer.hpp"
#include "ctinfer/model/model.hpp"
#include "ctinfer/model/blocks.hpp"
#include "ctinfer/model/params.hpp"
#include "ctinfer/model/plan.hpp"
#include "ctinfer/model/sequential.hpp"
#include "ctinfer/model/shapes.hpp"
#include "ctinfer/model/stream.hpp"
