// The layer table: rows from the model, the plan column, results after a run, sorting by value
// and filtering by name.
#include <QApplication>
#include <QTest>

#include "gui_fixtures.h"
#include "io/model_source.h"
#include "test_support.h"
#include "ui/model/layer_filter_proxy.h"
#include "ui/model/layer_table_model.h"

using namespace aqui;

class LayerTableTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;
  std::unique_ptr<aq::ModelSource> source_;
  aq::Plan plan_;

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    guitest::writeSmallDit(dir_ / "dit.safetensors");
    auto r = aq::open_model(dir_ / "dit.safetensors");
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message().c_str());
    source_ = std::move(r.value());
    plan_ = aq::make_plan(*source_, {});
  }

  void rowsAndPlan() {
    LayerTableModel m;
    m.setSource(source_.get());
    QCOMPARE(m.rowCount(), int(source_->tensors().size()));
    m.setPlan(plan_);
    int quantized = 0, kept = 0;
    for (int r = 0; r < m.rowCount(); ++r) {
      const QString plan = m.index(r, LayerTableModel::PlanCol).data().toString();
      if (m.index(r, 0).data(LayerTableModel::QuantizedRole).toBool()) {
        QVERIFY2(plan.startsWith("INT4 g64"), qPrintable(plan));
        ++quantized;
      } else {
        QVERIFY2(plan.startsWith("float: "), qPrintable(plan));  // with the rule's reason
        ++kept;
      }
    }
    QCOMPARE(quantized, int(plan_.quantized_count));
    QVERIFY(kept > 0);
    // A bias is kept; the name and shape columns show what it is.
    const auto bias = source_->find("blocks.0.attn.qkv.bias");
    QVERIFY(bias >= 0);
    QCOMPARE(m.index(int(bias), LayerTableModel::Name).data().toString(), QString("blocks.0.attn.qkv.bias"));
    QCOMPARE(m.index(int(bias), LayerTableModel::Shape).data().toString(), QString("[192]"));
    QCOMPARE(m.index(int(bias), LayerTableModel::DType).data().toString(), QString("F16"));
    QVERIFY(!m.index(int(bias), 0).data(LayerTableModel::QuantizedRole).toBool());
  }

  void resultsSortAndFilter() {
    LayerTableModel m;
    m.setSource(source_.get());
    m.setPlan(plan_);
    std::vector<aq::TensorResult> results;
    double sqnr = 30;
    for (const auto& tp : plan_.tensors) {
      if (!tp.quantized()) continue;
      aq::TensorResult r;
      r.index = tp.index;
      r.name = source_->tensors()[tp.index].name;
      r.decision = aq::Decision::Quantize;
      r.metrics.sqnr_db = sqnr;
      r.metrics.cosine = 0.99;
      r.metrics.rel_fro_error = 0.1;
      r.bits_per_weight = 4.5;
      r.seconds = 0.001;
      sqnr -= 1.5;  // later tensors are worse
      results.push_back(r);
    }
    m.applyResults(results);
    QCOMPARE(m.resultCount(), int(results.size()));

    LayerFilterProxy proxy;
    proxy.setSourceModel(&m);
    proxy.sort(LayerTableModel::Sqnr, Qt::AscendingOrder);
    // The worst (lowest SQNR) first, compared as numbers, not text ("9.0" < "10.5").
    QCOMPARE(proxy.index(0, LayerTableModel::Name).data().toString(), QString::fromStdString(results.back().name));
    double prev = -1e9;
    for (int r = 0; r < int(results.size()); ++r) {
      const double v = proxy.index(r, LayerTableModel::Sqnr).data(LayerTableModel::SortRole).toDouble();
      QVERIFY(v >= prev);
      prev = v;
    }
    proxy.setNameFilter("MLP.FC2");  // case-insensitive substring
    QCOMPARE(proxy.rowCount(), 4);   // weight + bias of two blocks
    proxy.setQuantizedOnly(true);
    QCOMPARE(proxy.rowCount(), 2);
    proxy.setNameFilter("");
    QCOMPARE(proxy.rowCount(), int(plan_.quantized_count));
  }
};

QTEST_MAIN(LayerTableTest)
#include "layer_table_test.moc"
