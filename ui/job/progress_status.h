#pragma once
// The status bar's view of a running job: a progress bar, layer i/N, MB/s and ETA.
#include <QWidget>

#include "job/job.h"

class QLabel;
class QProgressBar;

namespace aqui {

class ProgressStatus : public QWidget {
  Q_OBJECT
 public:
  explicit ProgressStatus(QWidget* parent = nullptr);

  void start(const QString& what);
  void update(const aq::Progress& p);
  void finish(const QString& outcome);
  QString layerText() const;
  QString speedText() const;
  QString etaText() const;
  int percent() const;

 private:
  QLabel* what_;
  QProgressBar* bar_;
  QLabel* layer_;
  QLabel* speed_;
  QLabel* eta_;
};

}  // namespace aqui
