// The size budget in the window, offscreen: its settings and the calibration group's timestep
// weights and no-compensation (controls, persistence, JobConfig), invalid input refused with a
// message, and a run under a target bits per weight whose output fits it, with the Pareto chart
// drawn from the engine's allocation and the layer table showing what each tensor got.
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QTest>
#include <cmath>
#include <set>

#include "gui_calibration.h"
#include "gui_fixtures.h"
#include "io/model_source.h"
#include "test_support.h"
#include "ui/app/launch_director.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/charts/pareto_chart.h"
#include "ui/compare/run_history.h"
#include "ui/job/log_view.h"
#include "ui/main_window.h"
#include "ui/model/layer_table_model.h"
#include "ui/settings/budget_group.h"
#include "ui/settings/calibration_group.h"
#include "ui/settings/settings_panel.h"
#include "ui/util/error_banner.h"

using namespace aqui;

namespace {

QString qs(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

bool waitRead(CalibrationGroup& g) {
  QElapsedTimer t;
  t.start();
  while ((g.reading() || !g.summary()) && t.elapsed() < 20000) QTest::qWait(10);
  return g.summary().has_value();
}

// Bits per weight of the whole model at a uniform bit width, from the engine's plan.
double uniformBpw(const std::filesystem::path& model, int bits) {
  auto source = aq::open_model(model, {});
  RunSettings s;
  s.bits = bits;
  return aq::make_plan(**source, s.planOptions()).bits_per_weight();
}

// Tensor data bytes of a written file: every stored tensor (codes, scales, zeros, kept ones).
uint64_t storedBytes(const std::filesystem::path& file) {
  auto source = aq::open_model(file, {});
  if (!source) return 0;
  uint64_t total = 0;
  for (const auto& t : (*source)->tensors()) total += t.nbytes;
  return total;
}

}  // namespace

class BudgetGuiTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;
  std::filesystem::path model_, cal_;

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    initUiResources();
    const guitest::CalibratedModel m = guitest::writeCalibratedSmallDit(dir_.path());
    model_ = m.model;
    cal_ = m.calibration;
    QVERIFY(m.layers.size() >= 4);
  }

  void settingsRoundTripAndJobConfig() {
    RunSettings s;
    s.budget.kind = BudgetSettings::Kind::Size;
    s.budget.size = "1.5MiB";
    s.budget.bpw = 3.25;
    s.calibration.file = qs(cal_);
    s.calibration.timestep_weights = "1,2,0.5";
    s.calibration.compensate = false;
    {
      QSettings q(qs(dir_ / "round.ini"), QSettings::IniFormat);
      s.save(q);
    }
    QSettings q(qs(dir_ / "round.ini"), QSettings::IniFormat);
    QVERIFY(RunSettings::load(q) == s);

    // The same settings through the form.
    SettingsPanel panel;
    panel.setSettings(s);
    QVERIFY(panel.settings().budget == s.budget);
    QVERIFY(panel.settings().calibration == s.calibration);
    auto* kind = panel.findChild<QComboBox*>("budgetKind");
    QVERIFY(!panel.findChild<QLineEdit*>("budgetSize")->isHidden());
    QVERIFY(panel.findChild<QDoubleSpinBox*>("budgetBpw")->isHidden());

    // Translated as the CLI's --target-size, --timestep-weights and --no-compensation.
    aq::JobConfig c = s.jobConfig(qs(model_));
    QCOMPARE(c.budget.target_bytes, uint64_t(1.5 * 1024 * 1024));
    QCOMPARE(c.budget.target_bpw, 0.0);
    QVERIFY(c.calibration.timestep_weights == (std::vector<double>{1, 2, 0.5}));
    QVERIFY(!c.calibration.gptq.compensate);
    s.budget.kind = BudgetSettings::Kind::BitsPerWeight;
    c = s.jobConfig(qs(model_));
    QCOMPARE(c.budget.target_bpw, 3.25);
    QCOMPARE(c.budget.target_bytes, uint64_t(0));
    s.budget.kind = BudgetSettings::Kind::Off;
    QVERIFY(!s.jobConfig(qs(model_)).budget.enabled());
    // Without a file, the calibration extras are dropped, as the group disables them.
    s.calibration.file.clear();
    c = s.jobConfig(qs(model_));
    QVERIFY(c.calibration.timestep_weights.empty() && c.calibration.gptq.compensate);

    // Every new control explains itself, and the defaults are off.
    QVERIFY(kind->isEnabled());
    QVERIFY(BudgetGroup().value() == BudgetSettings{});
    for (const char* name : {"budgetKind", "budgetBpw", "budgetSize", "budgetStatus", "timestepWeights", "noCompensation"}) {
      auto* w = panel.findChild<QWidget*>(name);
      QVERIFY2(w, name);
      QVERIFY2(!w->toolTip().isEmpty(), name);
    }
  }

  void invalidInputIsRefusedWithAMessage() {
    MainWindow w;
    w.show();
    QVERIFY(guitest::openAndWait(w, qs(model_)));
    CalibrationGroup* g = w.settingsPanel()->calibration();
    RunSettings s = w.settingsPanel()->settings();
    s.calibration.file = qs(cal_);
    s.calibration.timestep_weights = "1,2";  // the file has 3 buckets
    w.settingsPanel()->setSettings(s);
    QVERIFY(waitRead(*g));
    QVERIFY2(g->problem().contains("2 given") && g->problem().contains("3 buckets"), qPrintable(g->problem()));
    QCOMPARE(g->weightsText(), g->problem());
    QVERIFY(g->findChild<QLabel*>("timestepWeightsStatus")->isVisible());
    QVERIFY(!w.startRun());
    QVERIFY(guitest::part<aqui::RunHistory>(w)->runs().empty());
    QVERIFY2(guitest::part<aqui::ErrorBanner>(w)->isVisible() && guitest::part<aqui::ErrorBanner>(w)->text().contains("3 buckets"),
             qPrintable(guitest::part<aqui::ErrorBanner>(w)->text()));
    QVERIFY(guitest::part<aqui::LogView>(w)->toPlainText().contains("Run not started: Timestep weights: 2 given"));

    // Not numbers: refused as typed, by the engine's own parser's rules.
    auto* edit = g->findChild<QLineEdit*>("timestepWeights");
    edit->setFocus();
    edit->setText("1,x,2");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY2(g->weightsText().contains("'x' is not one"), qPrintable(g->weightsText()));
    QVERIFY(!w.startRun());
    // Three good weights: accepted, the message goes.
    edit->setText("1,1,2");
    QTest::keyClick(edit, Qt::Key_Return);
    QVERIFY(g->problem().isEmpty());
    QVERIFY(g->weightsText().isEmpty());
    QVERIFY(g->findChild<QLabel*>("timestepWeightsStatus")->isHidden());

    // An unreadable target size.
    auto* kind = w.settingsPanel()->findChild<QComboBox*>("budgetKind");
    kind->setCurrentIndex(kind->findData(int(BudgetSettings::Kind::Size)));
    auto* size = w.settingsPanel()->findChild<QLineEdit*>("budgetSize");
    size->setFocus();
    size->setText("2 furlongs");
    QTest::keyClick(size, Qt::Key_Return);
    BudgetGroup* b = w.settingsPanel()->budget();
    QVERIFY2(b->statusText().contains("not a size"), qPrintable(b->statusText()));
    QVERIFY(!w.startRun());
    QVERIFY(guitest::part<aqui::ErrorBanner>(w)->text().contains("2 furlongs"));
    QVERIFY(guitest::part<aqui::RunHistory>(w)->runs().empty());
  }

  void budgetRunFitsAndDrawsTheParetoChart() {
    // A target between uniform INT3 and INT4: the budget must mix schemes to use it.
    const double bpw3 = uniformBpw(model_, 3), bpw4 = uniformBpw(model_, 4);
    QVERIFY(bpw3 < bpw4);
    const double target = std::round((bpw3 + bpw4) / 2 * 100) / 100;
    MainWindow w;
    w.resize(1600, 1000);
    w.show();
    QVERIFY(guitest::openAndWait(w, qs(model_)));
    RunSettings s = w.settingsPanel()->settings();
    s.calibration = {};
    s.bits = 4;
    s.budget.kind = BudgetSettings::Kind::BitsPerWeight;
    s.budget.bpw = target;
    s.write_output = true;  // next to the model, named by the panel
    w.settingsPanel()->setSettings(s);
    QVERIFY(guitest::runAndWait(w));
    const aq::JobResult& r = *guitest::part<aqui::RunHistory>(w)->last()->result;
    QCOMPARE(r.status, aq::JobStatus::Succeeded);

    // The output fits the budget: by the run's figures and by the file's own tensors.
    QVERIFY2(r.bits_per_weight() <= target, qPrintable(QString("%1 > %2").arg(r.bits_per_weight()).arg(target)));
    QVERIFY(r.bits_per_weight() > bpw3);  // and spends it
    QVERIFY(!r.config.output.empty());
    const uint64_t stored = storedBytes(r.config.output);
    QVERIFY(stored > 0);
    QVERIFY2(8.0 * double(stored) / double(r.params) <= target + 1e-9, qPrintable(QString::number(stored)));

    // The chart draws the engine's allocation: every frontier and path point, and the choice,
    // at the run's own size, left of the budget line.
    QVERIFY(r.budget.has_value());
    ParetoChart* chart = guitest::part<aqui::LiveChartsPanel>(w)->pareto();
    QVERIFY(!chart->isHidden());
    QCOMPARE(chart->frontierCount(), int(r.budget->frontier.size()));
    QCOMPARE(chart->pathCount(), int(r.budget->path.size()));
    QVERIFY(chart->frontierCount() >= 3);
    QVERIFY(chart->chosenPoint().has_value());
    QCOMPARE(r.budget->chosen.bytes, r.output_bytes);
    QVERIFY(std::abs(chart->chosenPoint()->x() - r.bits_per_weight()) < 1e-9);
    QVERIFY(std::abs(chart->chosenPoint()->y() - r.budget->chosen.error) <= 1e-12 * r.budget->chosen.error);
    QVERIFY(chart->targetBpw().has_value());
    QVERIFY(chart->chosenPoint()->x() <= *chart->targetBpw());
    QVERIFY(std::abs(*chart->targetBpw() - target) < 1e-3);
    const std::vector<ChartPanel*> exported = guitest::part<aqui::LiveChartsPanel>(w)->charts();
    QVERIFY(std::count(exported.begin(), exported.end(), chart) == 1);  // it exports with the others

    // The layer table shows what each tensor got, which is not one scheme for all.
    std::set<QString> schemes;
    LayerTableModel* m = guitest::part<aqui::LayerTableModel>(w);
    for (const auto& t : r.tensors) {
      if (!t.quantized()) continue;
      const QString shown = m->data(m->index(int(t.index), LayerTableModel::PlanCol), Qt::DisplayRole).toString();
      aq::TensorPlan p;
      p.scheme = t.scheme;
      QCOMPARE(shown, planText(p));
      QVERIFY(m->data(m->index(int(t.index), LayerTableModel::PlanCol), Qt::ToolTipRole).toString().contains("size budget"));
      schemes.insert(shown);
    }
    QVERIFY2(schemes.size() >= 2, qPrintable(QString::number(schemes.size())));

    // The JSON export carries the same allocation.
    const QString json = qs(dir_ / "budget.json");
    QVERIFY(w.exportJson(json, MainWindow::ReportScope::CurrentRun).isEmpty());
    const QJsonObject budget = QJsonDocument::fromJson(guitest::readAll(json)).object()["budget"].toObject();
    QCOMPARE(int(budget["frontier"].toArray().size()), chart->frontierCount());
    QCOMPARE(budget["chosen"].toObject()["bytes"].toDouble(), double(r.output_bytes));

    // A run without a budget takes the chart away again.
    s.budget.kind = BudgetSettings::Kind::Off;
    w.settingsPanel()->setSettings(s);
    QVERIFY(guitest::runAndWait(w));
    QVERIFY(chart->isHidden());
    QVERIFY(chart->isEmpty());
  }
};

QTEST_MAIN(BudgetGuiTest)
#include "budget_gui_test.moc"
