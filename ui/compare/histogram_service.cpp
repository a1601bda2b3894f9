#include "ui/compare/histogram_service.h"

#include "job/session.h"
#include "ui/util/format.h"
#include "ui/util/post.h"

namespace aqui {

void HistogramService::request(std::shared_ptr<const aq::Session> session, std::size_t index,
                               std::vector<aq::QuantScheme> schemes) {
  const quint64 gen = ++generation_;
  busy_ = true;
  runInPool(
      this,
      [session = std::move(session), index, schemes = std::move(schemes)] { return session->histograms(index, schemes); },
      [this, gen](aq::Result<aq::LayerHistograms> r) {
        if (gen != generation_) return;
        busy_ = false;
        if (r) emit ready(r.value());
        else emit failed(qstr(r.error().message()));
      });
}

}  // namespace aqui
