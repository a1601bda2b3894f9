#include "ui/model/model_loader.h"

#include <variant>

#include "demo/synthetic_model.h"
#include "io/logical_model.h"
#include "io/model_source.h"
#include "io/packed_format.h"
#include "job/session.h"
#include "job/source_checks.h"
#include "ui/util/format.h"
#include "ui/util/post.h"

namespace aqui {
namespace {

struct Outcome {
  QString path;
  std::shared_ptr<const aq::Session> session;
  std::shared_ptr<const aq::LogicalModel> quantized;  // a quantized file, opened read-only
  QString error;
};

bool isQuantizedFile(const aq::ModelSource& source) {
  if (aq::packed::is_packed(source.metadata())) return true;
  for (const auto& t : source.tensors())
    if (t.ggml_type >= 0) return true;
  return false;
}

Outcome openPath(const std::filesystem::path& p) {
  Outcome o;
  o.path = qstr(p.string());
  auto r = aq::open_model(p);
  if (!r) {
    o.error = qstr(r.error().message());
    return o;
  }
  // A model that cannot be quantized as it is (our own packed output, reserved names) is
  // refused here, with what to do instead, rather than planned as ordinary weights.
  if (auto s = aq::check_quantizable_source(**r); !s) {
    if (isQuantizedFile(**r)) {  // not to quantize, but to look at and measure
      auto m = aq::LogicalModel::open(p);
      if (m) o.quantized = std::make_shared<const aq::LogicalModel>(std::move(m.value()));
      else o.error = qstr(m.error().message());
      return o;
    }
    o.error = qstr(s.error().message());
    return o;
  }
  auto session = aq::Session::adopt(std::move(r.value()));
  if (session) o.session = std::make_shared<const aq::Session>(std::move(session.value()));
  else o.error = qstr(session.error().message());
  return o;
}

}  // namespace

void ModelLoader::open(const QString& path) {
  const quint64 gen = ++generation_;
  busy_ = true;
  emit loading("Opening " + path + " …");
  runInPool(
      this, [p = std::filesystem::path(sstr(path))] { return openPath(p); },
      [this, gen](Outcome o) {
        if (gen != generation_) return;
        busy_ = false;
        if (o.session) emit loaded(o.path, o.session);
        else if (o.quantized) emit loadedQuantized(o.path, o.quantized);
        else emit failed(o.path, o.error);
      });
}

void ModelLoader::openDemo() {
  const quint64 gen = ++generation_;
  busy_ = true;
  emit loading("Preparing the demo model (DiT-S/2, 33 M parameters; generated once into " +
               qstr(aq::demo_model_path().string()) + ") …");
  runInPool(
      this,
      [] {
        auto path = aq::ensure_demo_model();
        if (!path) return Outcome{qstr(aq::demo_model_path().string()), nullptr, nullptr, qstr(path.error().message())};
        return openPath(path.value());
      },
      [this, gen](Outcome o) {
        if (gen != generation_) return;
        busy_ = false;
        if (o.session) emit loaded(o.path, o.session);
        else emit failed(o.path, o.error);
      });
}

}  // namespace aqui
