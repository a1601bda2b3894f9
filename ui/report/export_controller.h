#pragma once
// File ▸ Export: the report (HTML, PDF), the data (JSON, CSV) and the charts, of the current run
// or of the runs ticked in Compare. Owns the Export menu's actions, enabled once a run exists.
#include <QObject>
#include <QString>
#include <functional>
#include <vector>

#include "ui/compare/run_history.h"

class QAction;
class QMenu;
class QStatusBar;
class QTabWidget;
class QWidget;

namespace aqui {

class ChartPanel;
class ComparisonView;
class LiveChartsPanel;
class LogView;

class ExportController : public QObject {
  Q_OBJECT
 public:
  /// Auto: the comparison when the Compare tab shows two or more ticked runs, else the last run.
  enum class Scope { Auto, CurrentRun, Comparison };

  struct Parts {
    QWidget* dialogParent;
    RunHistory* history;
    ComparisonView* comparison;
    LiveChartsPanel* live;
    QTabWidget* tabs;
    LogView* log;
    QStatusBar* status;
  };
  ExportController(const Parts& parts, QObject* parent);

  /// Adds the five export actions to `menu`; the first (the HTML report, Ctrl+E) is also the
  /// toolbar's "Export Report".
  void addActionsTo(QMenu* menu);
  QAction* reportAction() const;
  /// Enables the actions when there is a run to export.
  void updateActions();
  /// For the dialogs' default file names ("demo-report.html").
  void setModelPath(const QString& path) { modelPath_ = path; }

  // Each returns an empty string on success, else the error (also logged).
  QString html(const QString& path, Scope scope = Scope::Auto);
  QString pdf(const QString& path, Scope scope = Scope::Auto);
  QString json(const QString& path, Scope scope = Scope::Auto);
  QString csv(const QString& path, Scope scope = Scope::Auto);
  QString charts(const QString& dir, Scope scope = Scope::Auto);

 private:
  std::vector<RunRecord> runs(Scope scope) const;
  /// The charts that go with the chosen runs: the comparison's for several, the live ones for one.
  std::vector<ChartPanel*> chartsFor(const std::vector<RunRecord>& chosen) const;
  QString exportWith(const QString& what, const QString& path, Scope scope,
                     const std::function<QString(const std::vector<RunRecord>&)>& write);
  void dialog(const QString& kind);

  Parts p_;
  QString modelPath_;
  QList<QAction*> actions_;
};

}  // namespace aqui
