#pragma once
// Computes a layer's histograms for a set of schemes (aq::Session::histograms, on the model as it
// is open) on a pool thread; only the latest request is delivered.
#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "metrics/layer_histogram.h"

namespace aq {
class Session;
}

namespace aqui {

class HistogramService : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;

  void request(std::shared_ptr<const aq::Session> session, std::size_t index, std::vector<aq::QuantScheme> schemes);
  bool busy() const { return busy_; }

 signals:
  void ready(const aq::LayerHistograms& histograms);
  void failed(const QString& message);

 private:
  quint64 generation_ = 0;
  bool busy_ = false;
};

}  // namespace aqui
