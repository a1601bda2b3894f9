// The GUI never replaces a file without asking, opens its own packed output read-only (never plans it),
// and does not report a cancel as an error.
#include <QSignalSpy>
#include <QTest>

#include "gui_fixtures.h"
#include "job/job.h"
#include "test_support.h"
#include "ui/job/job_controller.h"
#include "ui/compare/run_history.h"
#include "ui/job/log_view.h"
#include "ui/main_window.h"
#include "ui/model/layer_table_model.h"
#include "ui/model/quantized_model_bar.h"
#include "ui/settings/estimate_view.h"
#include "ui/settings/settings_panel.h"
#include "ui/util/error_banner.h"

using aqui::MainWindow;

namespace {
QString qs(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }
}  // namespace

class DataSafetyTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;
  std::filesystem::path model_;
  std::filesystem::path medium_ = dir_ / "medium.safetensors";

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    model_ = dir_ / "m.safetensors";
    guitest::writeSmallDit(model_);
    guitest::writeSmallDit(medium_, 384, 8);
  }

  void asksBeforeReplacingAndKeepsTheFileOnNo() {
    MainWindow w;
    QStringList asked;
    bool answer = true;
    w.setOverwriteConfirmer([&](QWidget*, const QStringList& files) {
      asked = files;
      return answer;
    });
    QVERIFY(guitest::openAndWait(w, qs(model_)));
    const auto out = std::filesystem::path(w.settingsPanel()->settings().output.toStdString());
    std::filesystem::remove(out);
    QVERIFY(guitest::runAndWait(w));  // nothing to replace: no question
    QVERIFY(asked.isEmpty());
    const auto before = aqtest::read_file(out);

    answer = false;
    QVERIFY(!w.startRun());
    QCOMPARE(asked, QStringList{qs(out)});
    QVERIFY(!w.isBusy());
    QVERIFY(aqtest::read_file(out) == before);
    QVERIFY(guitest::part<aqui::LogView>(w)->toPlainText().contains("existing output file(s) kept"));

    // A comparison names every file it would replace (the INT4 one exists).
    asked.clear();
    QVERIFY(!w.startCompare({2, 4, 8}));
    QCOMPARE(asked.size(), 1);
    QVERIFY(asked.front().endsWith("m-int4.safetensors"));
    QVERIFY(!std::filesystem::exists(dir_ / "m-int2.safetensors"));

    answer = true;
    QVERIFY(guitest::runAndWait(w, {2, 4}));
    QVERIFY(std::filesystem::exists(dir_ / "m-int2.safetensors"));
  }

  void ourOwnPackedOutputOpensReadOnly() {
    MainWindow w;
    w.show();
    aq::JobConfig c;
    c.input = model_;
    c.output = dir_ / "packed.safetensors";
    aq::JobObserver quiet;
    aq::CancelToken cancel;
    QVERIFY(aq::run_job(c, quiet, cancel).status == aq::JobStatus::Succeeded);
    // Opened to look at and compare, never planned as ordinary weights: no source to quantize.
    QVERIFY(guitest::openAndWait(w, qs(c.output)));
    QVERIFY(!w.source());
    QVERIFY(!w.startRun());
    QVERIFY(w.quantizedBar()->isVisible());
    QVERIFY(guitest::part<aqui::LayerTableModel>(w)->storedMode());
    QVERIFY(guitest::part<aqui::LayerTableModel>(w)->index(0, aqui::LayerTableModel::Name).data().toString().indexOf(".aq_") < 0);
  }

  void theEstimateWarnsWhenNothingWouldShrink() {
    MainWindow w;
    w.show();
    QVERIFY(guitest::openAndWait(w, qs(model_)));
    QVERIFY(guitest::part<aqui::EstimateView>(w)->warningText().isEmpty());
    // A LoRA's [N, 1] tensors: packed, each one-element row would carry its own scale and zero.
    aqtest::write_safetensors(dir_ / "thin.safetensors",
                              {{"a.lora_up.weight", "F16", {4096, 1}, aqtest::f16_bytes(aqtest::gaussian(4096, 1))},
                               {"b.lora_up.weight", "F16", {4096, 1}, aqtest::f16_bytes(aqtest::gaussian(4096, 2))}});
    QVERIFY(guitest::openAndWait(w, qs(dir_ / "thin.safetensors")));
    QVERIFY2(guitest::part<aqui::EstimateView>(w)->warningText().contains("would not be smaller"), qPrintable(guitest::part<aqui::EstimateView>(w)->warningText()));
  }

  void aCancelIsNotAnError() {
    MainWindow w;
    QVERIFY(guitest::openAndWait(w, qs(medium_)));
    const int errorsBefore = guitest::part<aqui::LogView>(w)->errors();
    bool cancelled = false;
    // As soon as the job runs: its first events may come only at its end (the delivery pacer).
    connect(w.controller(), &aqui::JobController::started, this, [&] {
      if (!cancelled) {
        cancelled = true;
        w.cancelRun();
      }
    });
    QVERIFY(!guitest::runAndWait(w));  // stopped, not complete
    QVERIFY(cancelled);
    QVERIFY(guitest::part<aqui::RunHistory>(w)->runs().empty());
    QCOMPARE(guitest::part<aqui::LogView>(w)->errors(), errorsBefore);
    QVERIFY(!guitest::part<aqui::ErrorBanner>(w)->isVisible());
  }
};

QTEST_MAIN(DataSafetyTest)
#include "data_safety_test.moc"
