#pragma once
// Computes aq::layer_histograms for a layer and a set of schemes on a pool thread; only the
// latest request is delivered.
#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "metrics/layer_histogram.h"

namespace aqui {

class HistogramService : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;

  void request(std::shared_ptr<const aq::ModelSource> source, std::size_t index,
               std::vector<aq::QuantScheme> schemes);
  bool busy() const { return busy_; }

 signals:
  void ready(const aq::LayerHistograms& histograms);
  void failed(const QString& message);

 private:
  quint64 generation_ = 0;
  bool busy_ = false;
};

}  // namespace aqui
