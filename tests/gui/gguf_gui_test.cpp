// GGUF in the GUI: the output-format choice and its presets, per-tensor types and the exact size
// before the run, a run that writes a .gguf, and that file opened read-only and compared with its
// original.
#include <QAction>
#include <QComboBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <cmath>
#include <filesystem>
#include <map>
#include <unistd.h>

#include "gui_fixtures.h"
#include "gguf/ggml_types.h"
#include "io/model_source.h"
#include "job/compare.h"
#include "ui/charts/accuracy_chart.h"
#include "ui/charts/live_charts_panel.h"
#include "ui/compare/original_compare.h"
#include "ui/compare/run_queue.h"
#include "ui/main_window.h"
#include "ui/model/layer_table_model.h"
#include "ui/model/quantized_model_bar.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/estimate_view.h"
#include "ui/settings/output_format_group.h"
#include "ui/settings/presets.h"
#include "ui/settings/settings_panel.h"
#include "ui/util/error_banner.h"
#include "ui/util/format.h"

using namespace aqui;
namespace fs = std::filesystem;

namespace {
QString qs(const fs::path& p) { return QString::fromStdString(p.string()); }

void chooseGguf(SettingsPanel* panel, const QString& type) {
  auto* fmt = panel->outputFormat();
  fmt->formatBox()->setCurrentIndex(fmt->formatBox()->findData(int(OutputFormat::Gguf)));
  fmt->typeBox()->setCurrentIndex(fmt->typeBox()->findData(type));
}
}  // namespace

class GgufGuiTest : public QObject {
  Q_OBJECT
  fs::path dir_;
  fs::path model_;

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    MainWindow::setDefaultOverwriteConfirmer([](QWidget*, const QStringList&) { return true; });
    dir_ = fs::temp_directory_path() / ("aq_gguf_gui_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    model_ = dir_ / "m.safetensors";
    // Width 64: rows of 64 (attention, fc1) do not fit q4_k's 256-weight blocks and fall back to
    // q4_1; fc2's rows of 256 do fit.
    guitest::writeSmallDit(model_, 64, 2);
  }
  void cleanupTestCase() { fs::remove_all(dir_); }

  void formatChoiceRoundTripsThroughSettings() {
    RunSettings r;
    r.format = OutputFormat::Gguf;
    r.ggml_type = "q3_k";
    r.gguf_arch = "flux";
    AppSettings::setRunSettings(r);
    QCOMPARE(AppSettings::runSettings(), r);
    r.format = OutputFormat::Hdf5;
    r.gguf_arch = "none";
    AppSettings::setRunSettings(r);
    QCOMPARE(AppSettings::runSettings(), r);

    // Through the panel and a restart of the window.
    {
      MainWindow w;
      chooseGguf(w.settingsPanel(), "q5_k");
      auto* arch = w.settingsPanel()->outputFormat()->archBox();
      arch->setCurrentIndex(arch->findData(QString("sd3")));
      w.close();
    }
    MainWindow again;
    const RunSettings s = again.settingsPanel()->settings();
    QCOMPARE(s.format, OutputFormat::Gguf);
    QCOMPARE(s.ggml_type, QString("q5_k"));
    QCOMPARE(s.gguf_arch, QString("sd3"));
    QCOMPARE(s.planOptions().gguf_architecture, std::string("sd3"));
    QCOMPARE(s.scheme().ggml_type, int(aq::gguf::GgmlType::Q5_K));
    again.settingsPanel()->setSettings(RunSettings{});  // leave the defaults for the next tests
  }

  void typePickerListsThirteenTypesQuantizedFirst() {
    SettingsPanel panel;
    auto* types = panel.outputFormat()->typeBox();
    QCOMPARE(types->count(), 13);
    QCOMPARE(types->itemText(0), QString("q8_0 · 8.5 bpw"));
    QVERIFY(types->findText("q4_k · 4.5 bpw") >= 0);
    QCOMPARE(types->itemData(types->count() - 1).toString().at(0), QChar('b'));  // bf16 (plain types last)
    for (int i = 0; i < 10; ++i) QVERIFY(types->itemData(i).toString().startsWith('q'));
  }

  void ggufPresetsAndPackedControls() {
    SettingsPanel panel;
    panel.setModelPath("/models/dit.safetensors");
    auto* q4k = panel.findChild<QPushButton*>("presetGGUFQ4_K");
    QVERIFY(q4k);
    QTest::mouseClick(q4k, Qt::LeftButton);
    QCOMPARE(panel.settings().format, OutputFormat::Gguf);
    QCOMPARE(panel.settings().ggml_type, QString("q4_k"));
    QVERIFY(q4k->isChecked());
    QCOMPARE(panel.settings().output, QString("/models/dit-q4_k.gguf"));
    QCOMPARE(matchingPreset(panel.settings()), std::optional<Preset>(Preset::GgufQ4_K));
    // The packed-integer controls say why they are off.
    auto* bits = panel.findChild<QComboBox*>("bits");
    QVERIFY(!bits->isEnabled());
    QVERIFY(bits->toolTip().contains("GGUF"));
    QVERIFY(!panel.findChild<QComboBox*>("method")->isEnabled());

    QTest::mouseClick(panel.findChild<QPushButton*>("presetGGUFQ8_0"), Qt::LeftButton);
    QCOMPARE(panel.settings().output, QString("/models/dit-q8_0.gguf"));

    // A deployment preset goes back to ArrowQuant packed and still sets what it says.
    auto* cloud = panel.findChild<QPushButton*>("presetCloud");
    QTest::mouseClick(cloud, Qt::LeftButton);
    QCOMPARE(panel.settings().format, OutputFormat::Packed);
    QCOMPARE(panel.settings().bits, 8);
    QVERIFY(cloud->isChecked());
    QVERIFY(bits->isEnabled());
    QVERIFY(!bits->toolTip().contains("GGUF"));
    QCOMPARE(panel.settings().output, QString("/models/dit-int8.safetensors"));

    auto* fmt = panel.outputFormat()->formatBox();
    fmt->setCurrentIndex(fmt->findData(int(OutputFormat::Hdf5)));
    QCOMPARE(panel.settings().output, QString("/models/dit-int8.h5"));
    QVERIFY(presetSummary(Preset::GgufQ3_K).contains("q3_k · 3.44 bpw"));
  }

  void compareBitWidthsWithGgufComparesTheTypesTheyStandFor() {
    RunSettings r;
    r.format = OutputFormat::Gguf;
    r.output = "/m/dit-q4_k.gguf";
    const auto configs = compareConfigs(r, "/m/dit.safetensors", {2, 4, 8});
    QCOMPARE(configs.size(), std::size_t(3));
    QCOMPARE(configs[0].output.string(), std::string("/m/dit-q2_k.gguf"));
    QCOMPARE(configs[2].output.string(), std::string("/m/dit-q8_0.gguf"));
    QCOMPARE(configs[0].plan.scheme.ggml_type, int(aq::gguf::GgmlType::Q2_K));
    QCOMPARE(configs[1].plan.scheme.ggml_type, int(aq::gguf::GgmlType::Q4_K));
    QCOMPARE(configs[2].plan.scheme.ggml_type, int(aq::gguf::GgmlType::Q8_0));
  }

  void planShowsGgmlTypesAndTheExactSize() {
    MainWindow w;
    w.show();
    QVERIFY(guitest::openAndWait(w, qs(model_)));
    chooseGguf(w.settingsPanel(), "q4_k");
    const RunSettings s = w.settingsPanel()->settings();
    const aq::Plan plan = aq::make_plan(*w.source(), s.planOptions());
    std::map<QString, int> shown;
    for (const auto& tp : plan.tensors) {
      const QString cell = guitest::part<aqui::LayerTableModel>(w)->index(int(tp.index), LayerTableModel::PlanCol).data().toString();
      if (tp.quantized()) {
        QCOMPARE(cell, qstr(tp.scheme.describe()));
        ++shown[cell];
      }
    }
    QVERIFY(shown["q4_k"] > 0);
    QVERIFY2(shown["q4_1"] > 0, "rows of 64 fall back to q4_1");
    QVERIFY(guitest::part<aqui::EstimateView>(w)->sizeText().startsWith(formatBytes(plan.output_bytes)));
    QVERIFY(guitest::part<aqui::EstimateView>(w)->typesText().contains(QString("q4_k ×%1").arg(shown["q4_k"])));
    QVERIFY(guitest::part<aqui::EstimateView>(w)->typesText().contains(QString("q4_1 ×%1").arg(shown["q4_1"])));
    w.settingsPanel()->setSettings(RunSettings{});
  }

  void runWritesGgufThatOpensReadOnlyAndCompares() {
    const fs::path out = dir_ / "m-q4_k.gguf";
    aq::Plan plan;
    {
      MainWindow w;
      w.show();
      QVERIFY(guitest::openAndWait(w, qs(model_)));
      chooseGguf(w.settingsPanel(), "q4_k");
      QCOMPARE(w.settingsPanel()->settings().output, qs(out));
      plan = aq::make_plan(*w.source(), w.settingsPanel()->settings().planOptions());
      QVERIFY(guitest::runAndWait(w));
      w.settingsPanel()->setSettings(RunSettings{});
    }
    QVERIFY(fs::exists(out));
    auto src = aq::open_model(out);
    QVERIFY2(src, src ? "" : src.error().message().c_str());
    std::map<std::string, int> stored;
    for (const auto& t : (*src)->tensors()) stored[t.name] = t.ggml_type;
    {
      auto orig = aq::open_model(model_);
      QVERIFY(orig);
      for (const auto& tp : plan.tensors) {
        const std::string& name = (*orig)->tensors()[tp.index].name;
        QVERIFY(stored.count(name));
        QCOMPARE(stored[name], tp.quantized() ? tp.scheme.ggml_type : -1);
      }
    }
    QCOMPARE(guessOriginal(qs(out)), qs(fs::absolute(model_)));

    // Opened: read-only, each tensor's stored type, Quantize off.
    MainWindow w;
    w.show();
    QVERIFY(guitest::openAndWait(w, qs(out)));
    QVERIFY(!w.source());
    QVERIFY(!w.startRun());
    QVERIFY(w.quantizedBar()->isVisible());
    QVERIFY(!guitest::part<aqui::ErrorBanner>(w)->isVisible());
    auto* table = guitest::part<aqui::LayerTableModel>(w);
    QVERIFY(table->storedMode());
    QCOMPARE(table->headerData(LayerTableModel::PlanCol, Qt::Horizontal, Qt::DisplayRole).toString(), QString("Stored as"));
    std::map<QString, int> types;
    for (int r = 0; r < table->rowCount(); ++r) ++types[table->index(r, LayerTableModel::PlanCol).data().toString()];
    QVERIFY(types["q4_k"] > 0 && types["q4_1"] > 0);

    // Compare with the original: the figures are compare_models' own.
    bool done = false;
    connect(w.quantizedBar(), &QuantizedModelBar::compared, this, [&] { done = true; });
    QVERIFY(w.quantizedBar()->compareWith(qs(model_)));
    QTRY_VERIFY_WITH_TIMEOUT(done, 60000);
    auto direct = aq::compare_models(model_, out);
    QVERIFY(direct);
    int checked = 0;
    for (const auto& tc : direct->tensors) {
      if (tc.status != aq::CompareStatus::Compared) continue;
      for (int r = 0; r < table->rowCount(); ++r) {
        const auto& row = table->rowAt(r);
        if (row.info.name != tc.name || !row.result || !row.result->quantized()) continue;
        const double shown = row.result->metrics.sqnr_db, want = tc.metrics.sqnr_db;
        QVERIFY2(std::abs(shown - want) <= 1e-6 * std::abs(want), qPrintable(QString::fromStdString(tc.name)));
        QVERIFY(!table->index(r, LayerTableModel::Sqnr).data().toString().isEmpty());
        ++checked;
      }
    }
    QCOMPARE(checked, types["q4_k"] + types["q4_1"]);
    QCOMPARE(guitest::part<aqui::LiveChartsPanel>(w)->accuracy()->pointCount(), checked);
    QVERIFY(w.quantizedBar()->statusText().contains("mean SQNR"));

    // An ordinary model afterwards: the bar goes, Quantize comes back.
    QVERIFY(guitest::openAndWait(w, qs(model_)));
    QVERIFY(!w.quantizedBar()->isVisible());
    QVERIFY(!guitest::part<aqui::LayerTableModel>(w)->storedMode());
    QVERIFY(w.source());
  }
};

QTEST_MAIN(GgufGuiTest)
#include "gguf_gui_test.moc"
