#include "gui_calibration.h"

#include <cstdlib>

#include "calibration_fixture.h"
#include "gui_fixtures.h"
#include "io/model_source.h"
#include "ui/settings/run_settings.h"

namespace guitest {

std::vector<std::string> writeCalibrationFor(const std::filesystem::path& model, const aq::PlanOptions& options,
                                             const std::filesystem::path& out, int buckets) {
  auto src = aq::open_model(model);
  if (!src) std::abort();  // the tests write the model just before: nothing to report gracefully
  const aq::Plan plan = aq::make_plan(**src, options);
  aqtest::CalFile file;
  for (int b = 0; b <= buckets; ++b) file.bucket_edges.push_back(10 * b);
  std::vector<std::string> names;
  for (const aq::TensorPlan& p : plan.tensors) {
    if (!p.quantized()) continue;
    const std::string& name = (*src)->tensors()[p.index].name;
    aqtest::CalLayer layer = aqtest::hessian_layer(name, p.layout.cols, 11 + names.size(), buckets);
    if (names.empty()) {  // an empty bucket: zeros, count 0
      const std::size_t per = std::size_t(layer.k * layer.k);
      std::fill(layer.data.end() - std::ptrdiff_t(per), layer.data.end(), 0.0f);
      layer.counts.back() = 0;
    }
    file.layers.push_back(std::move(layer));
    names.push_back(name);
  }
  aqtest::write_calibration(out, file);
  return names;
}

CalibratedModel writeCalibratedSmallDit(const std::filesystem::path& dir) {
  CalibratedModel m{dir / "small.safetensors", dir / "cal.h5", {}};
  writeSmallDit(m.model, 64, 2);
  m.layers = writeCalibrationFor(m.model, aqui::RunSettings{}.planOptions(), m.calibration, 3);
  return m;
}

}  // namespace guitest
