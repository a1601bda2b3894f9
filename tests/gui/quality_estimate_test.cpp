// A quality estimate before a run (issue 10): the estimate panel predicts the SQNR from the same
// sample of rows the time estimate quantizes, the layer table shows each tensor's prediction until
// the run's figure replaces it, and the prediction is close to what the run then measures.
#include <QComboBox>
#include <QTest>
#include <cmath>

#include "gui_fixtures.h"
#include "ui/main_window.h"
#include "ui/model/layer_table_model.h"
#include "ui/settings/estimate_view.h"
#include "ui/settings/settings_panel.h"
#include "test_support.h"

using namespace aqui;

namespace {

QString qs(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

double firstDb(const QString& text) {  // "≈ 21.23 dB ..." -> 21.23
  const int at = text.indexOf(" dB");
  if (at < 0) return NAN;
  int begin = at;
  while (begin > 0 && (text[begin - 1].isDigit() || text[begin - 1] == '.' || text[begin - 1] == '-')) --begin;
  return text.mid(begin, at - begin).toDouble();
}

}  // namespace

class QualityEstimateTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;
  std::filesystem::path model_;

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    model_ = dir_ / "small.safetensors";
    // ~28 M parameters (56 MB): the estimate samples 16 MB of it, so the prediction extrapolates.
    guitest::writeSmallDit(model_, 512, 6);
  }

  void predictionBeforeTheRunIsCloseToTheResult() {
    MainWindow w;
    w.show();
    QVERIFY(guitest::openAndWait(w, qs(model_)));
    QTRY_VERIFY_WITH_TIMEOUT(guitest::part<aqui::EstimateView>(w)->qualityText().contains("dB"), 20000);
    const QString quality = guitest::part<aqui::EstimateView>(w)->qualityText();
    QVERIFY2(quality.startsWith("≈ ") && quality.contains("worst layer"), qPrintable(quality));
    const double predicted = firstDb(quality);

    // Each quantized row shows its own prediction, marked as one; kept rows show none.
    int predictedRows = 0;
    for (int r = 0; r < guitest::part<aqui::LayerTableModel>(w)->rowCount(); ++r) {
      const QString cell = guitest::part<aqui::LayerTableModel>(w)->index(r, LayerTableModel::Sqnr).data().toString();
      const bool quantized = guitest::part<aqui::LayerTableModel>(w)->index(r, 0).data(LayerTableModel::QuantizedRole).toBool();
      QCOMPARE(cell.startsWith("≈ "), quantized);
      predictedRows += quantized;
    }
    QVERIFY(predictedRows > 0);

    // Another bit width predicts another quality.
    auto* bits = w.settingsPanel()->findChild<QComboBox*>("bits");
    bits->setCurrentIndex(bits->findData(8));
    QTRY_VERIFY_WITH_TIMEOUT(firstDb(guitest::part<aqui::EstimateView>(w)->qualityText()) > predicted + 15, 20000);
    bits->setCurrentIndex(bits->findData(4));
    QTRY_VERIFY_WITH_TIMEOUT(std::abs(firstDb(guitest::part<aqui::EstimateView>(w)->qualityText()) - predicted) < 1e-6, 20000);

    // The run measures every row; the sample (about 30% of them) predicted it within 1 dB.
    QVERIFY(guitest::runAndWait(w));
    double signal = 0, noise = 0;
    for (int r = 0; r < guitest::part<aqui::LayerTableModel>(w)->rowCount(); ++r) {
      const auto& row = guitest::part<aqui::LayerTableModel>(w)->rowAt(r);
      if (!row.result || !row.result->quantized()) continue;
      signal += row.result->error_sums.sum_x2;
      noise += row.result->error_sums.sum_e2;
      QVERIFY(!guitest::part<aqui::LayerTableModel>(w)->index(r, LayerTableModel::Sqnr).data().toString().startsWith("≈"));
    }
    const double measured = 10 * std::log10(signal / noise);
    std::printf("predicted %.2f dB, measured %.2f dB\n", predicted, measured);
    QVERIFY2(std::abs(predicted - measured) < 1.0, qPrintable(QString("%1 vs %2").arg(predicted).arg(measured)));
  }
};

QTEST_MAIN(QualityEstimateTest)
#include "quality_estimate_test.moc"
