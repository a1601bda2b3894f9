// Run settings, presets, and what the application remembers between launches.
#include <QApplication>
#include <QComboBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QLineEdit>
#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTest>

#include "gui_fixtures.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/presets.h"
#include "quant/scheme_traits.h"
#include "ui/settings/budget_settings.h"
#include "ui/settings/calibration_settings.h"
#include "ui/settings/run_settings.h"
#include "ui/settings/output_format_group.h"
#include "ui/settings/settings_panel.h"

using namespace aqui;

class SettingsTest : public QObject {
  Q_OBJECT
 private slots:
  void initTestCase() { guitest::isolateSettings(); }

  void settingsLiveInTheTestLocation() {
    QSettings s;
    QCOMPARE(QCoreApplication::organizationName(), QString("ArrowQuantTest"));
    QVERIFY(!s.fileName().contains("/.config/ArrowQuant/"));
  }

  void runSettingsRoundTrip() {
    RunSettings r;
    r.bits = 2;
    r.group_size = 0;
    r.symmetric = true;
    r.method = aq::Method::MinMax;
    r.mode = aq::Mode::Batch;
    r.threads = 1;
    r.write_output = false;
    r.output = "/tmp/x.safetensors";
    AppSettings::setRunSettings(r);
    QCOMPARE(AppSettings::runSettings(), r);
  }

  void jobConfigFollowsSettings() {
    RunSettings r;
    r.bits = 8;
    r.group_size = 128;
    r.output = "/tmp/out.safetensors";
    aq::JobConfig c = r.jobConfig("/tmp/in.safetensors");
    QCOMPARE(c.plan.scheme.bits, 8);
    QCOMPARE(c.plan.scheme.group_size, 128);
    QCOMPARE(QString::fromStdString(c.output.string()), QString("/tmp/out.safetensors"));
    r.write_output = false;
    QVERIFY(r.jobConfig("/tmp/in.safetensors").output.empty());
  }

  void presetsSetWhatTheySay() {
    const RunSettings edge = applyPreset(Preset::Edge, {});
    QVERIFY(edge.bits <= 4);
    QCOMPARE(edge.mode, aq::Mode::Streaming);
    const RunSettings cloud = applyPreset(Preset::Cloud, {});
    QCOMPARE(cloud.bits, 8);
    QCOMPARE(cloud.mode, aq::Mode::Batch);
    QCOMPARE(cloud.threads, 0);
    for (const auto& p : presets()) {
      QCOMPARE(matchingPreset(applyPreset(p.id, {})), std::optional<Preset>(p.id));
      QVERIFY(presetSummary(p.id).contains("INT"));
    }
    QVERIFY(presetSummary(Preset::Edge).contains("streaming"));
    QVERIFY(presetSummary(Preset::Cloud).contains("batch"));
    RunSettings custom = applyPreset(Preset::Local, {});
    custom.bits = 3;
    QVERIFY(!matchingPreset(custom));
  }

  void presetKeepsOutputPath() {
    RunSettings r;
    r.output = "/keep/me.safetensors";
    QCOMPARE(applyPreset(Preset::Cloud, r).output, r.output);
  }

  void panelRoundTripAndPresetButtons() {
    SettingsPanel panel;
    QSignalSpy changed(&panel, &SettingsPanel::changed);
    RunSettings r;
    r.bits = 3;
    r.group_size = 96;  // custom
    r.symmetric = true;
    r.mode = aq::Mode::Batch;
    panel.setSettings(r);
    QCOMPARE(panel.settings().bits, 3);
    QCOMPARE(panel.settings().group_size, 96);
    QCOMPARE(panel.settings().symmetric, true);
    QCOMPARE(panel.settings().mode, aq::Mode::Batch);
    QVERIFY(!changed.isEmpty());

    auto* cloud = panel.findChild<QPushButton*>("presetCloud");
    QVERIFY(cloud);
    QTest::mouseClick(cloud, Qt::LeftButton);
    QCOMPARE(panel.settings().bits, 8);
    QCOMPARE(panel.settings().mode, aq::Mode::Batch);
    QVERIFY(cloud->isChecked());

    // Editing a field by hand leaves the preset.
    auto* bits = panel.findChild<QComboBox*>("bits");
    bits->setCurrentIndex(bits->findData(2));
    QVERIFY(!cloud->isChecked());
    QCOMPARE(changed.last().at(0).value<RunSettings>().bits, 2);
  }

  void outputFollowsModelAndBits() {
    SettingsPanel panel;
    panel.setModelPath("/models/dit.safetensors");
    QCOMPARE(panel.settings().output, QString("/models/dit-int4.safetensors"));
    auto* bits = panel.findChild<QComboBox*>("bits");
    bits->setCurrentIndex(bits->findData(8));
    QCOMPARE(panel.settings().output, QString("/models/dit-int8.safetensors"));
  }

  // Issue 10: after an edit of the path, INT4 -> INT8 still wrote demo-int4, even after a restart.
  void outputNameFollowsTheSettingsUnlessTypedForThisModel() {
    auto* panel = new SettingsPanel;
    panel->setModelPath("/models/dit.safetensors");
    auto* bits = panel->findChild<QComboBox*>("bits");
    auto* output = panel->findChild<QLineEdit*>("output");
    QVERIFY(output);
    auto type = [&](const QString& text) {
      output->selectAll();
      QTest::keyClicks(output, text);
    };
    // Another folder, the suggested name: the name keeps following the bits, in that folder.
    type("/out/dit-int4.safetensors");
    bits->setCurrentIndex(bits->findData(8));
    QCOMPARE(panel->settings().output, QString("/out/dit-int8.safetensors"));
    // A name of one's own stays, whatever the bits; its extension follows the format.
    type("/out/mine.safetensors");
    bits->setCurrentIndex(bits->findData(2));
    QCOMPARE(panel->settings().output, QString("/out/mine.safetensors"));
    auto pickFormat = [](SettingsPanel* p, OutputFormat f) {
      auto* box = p->findChild<QComboBox*>("outputFormat");
      box->setCurrentIndex(box->findData(int(f)));
    };
    pickFormat(panel, OutputFormat::Gguf);
    QCOMPARE(panel->settings().output, QString("/out/mine.gguf"));

    // After a restart (the settings saved and loaded), the same model keeps that name...
    QSettings store(QDir(QDir::tempPath()).filePath("aq-settings-test.ini"), QSettings::IniFormat);
    store.clear();
    panel->settings().save(store);
    delete panel;
    SettingsPanel again;
    again.setSettings(RunSettings::load(store));
    again.setModelPath("/models/dit.safetensors");
    QCOMPARE(again.settings().output, QString("/out/mine.gguf"));
    // ...and another model gets its own name, in the chosen folder.
    again.setModelPath("/models/flux.safetensors");
    QCOMPARE(again.settings().output, QString("/out/flux-q4_k.gguf"));
    auto* bitsAgain = again.findChild<QComboBox*>("bits");
    pickFormat(&again, OutputFormat::Packed);
    bitsAgain->setCurrentIndex(bitsAgain->findData(8));
    QCOMPARE(again.settings().output, QString("/out/flux-int8.safetensors"));
    // Back in the model's own folder: outputs go next to the model again.
    auto* outAgain = again.findChild<QLineEdit*>("output");
    outAgain->selectAll();
    QTest::keyClicks(outAgain, "/models/flux-int8.safetensors");
    bitsAgain->setCurrentIndex(bitsAgain->findData(4));
    again.setModelPath("/models/dit.safetensors");
    QCOMPARE(again.settings().output, QString("/models/dit-int4.safetensors"));
  }

  // A settings file edited by hand, or by a hostile hand: every value that does not parse, is
  // not finite or is out of range leaves a setting the engine accepts. Written as INI text (as a
  // person edits it), 400 files of values drawn from numbers, junk and edge cases.
  void handEditedSettingsLoadToValidOnes() {
    const QStringList nasty = {"",     "0",    "1",    "-1",   "3",        "4",          "8",     "64",
                               "65",   "1e9",  "nan",  "inf",  "-inf",     "true",       "false", "maybe",
                               "0.05", "50",   "1e-9", "batch", "search",  "q4_k",       "gguf",  "none",
                               "@Invalid()", "2147483648", "-2147483649", "\"quoted\"", "a,b", "1 2",
                               QString(300, 'x'), "blocks.0=keep", "((=4:64"};
    const char* runKeys[] = {"bits", "group_size", "symmetric", "method", "mode", "threads", "write_output",
                             "output", "format", "ggml_type", "gguf_arch", "rules"};
    const char* calibrationKeys[] = {"file", "damping", "act_order", "timestep_weights", "compensate"};
    const char* budgetKeys[] = {"kind", "bpw", "size"};
    QRandomGenerator rng(20261130);
    const QString path = QDir(QDir::tempPath()).filePath("aq-hand-edited.ini");
    for (int i = 0; i < 400; ++i) {
      QString text = "[run]\n";
      const auto line = [&](const char* key) {
        if (rng.bounded(4) == 0) return;  // absent
        text += QString("%1=%2\n").arg(key, nasty[int(rng.bounded(nasty.size()))]);
      };
      for (const char* k : runKeys) line(k);
      text += "[run/calibration]\n";
      for (const char* k : calibrationKeys) line(k);
      text += "[run/budget]\n";
      for (const char* k : budgetKeys) line(k);
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
      f.write(text.toUtf8());
      f.close();
      QSettings store(path, QSettings::IniFormat);
      const RunSettings r = RunSettings::load(store);
      const QString ctx = "file " + QString::number(i) + ":\n" + text;
      QVERIFY2(aq::find_scheme(r.bits) != nullptr, qPrintable(ctx));
      QVERIFY2(r.group_size == 0 || (r.group_size >= aq::kMinGroupSize && r.group_size <= aq::kMaxGroupSize),
               qPrintable(ctx));
      QVERIFY2(r.threads >= 0, qPrintable(ctx));
      QVERIFY2(r.calibration.damping >= CalibrationSettings::kMinDamping &&
                   r.calibration.damping <= CalibrationSettings::kMaxDamping,
               qPrintable(ctx));
      QVERIFY2(r.budget.bpw >= BudgetSettings::kMinBpw && r.budget.bpw <= BudgetSettings::kMaxBpw, qPrintable(ctx));
      QVERIFY2(ggufTypeChoice(r.ggml_type).has_value(), qPrintable(ctx));
      // What loads is what the engine takes: the plan options and the job build from it.
      const aq::JobConfig job = r.jobConfig("/models/m.safetensors");
      QCOMPARE(job.plan.scheme.bits, r.bits);
      QCOMPARE(int(parseRules(r.rules).size()), int(r.rules.size()));
    }
    // Values out of range are clamped, not dropped; junk keeps the default.
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("[run]\nbits=eleven\ngroup_size=3\nthreads=many\nsymmetric=1\n"
            "[run/calibration]\ndamping=50\n[run/budget]\nbpw=nan\n");
    f.close();
    QSettings store(path, QSettings::IniFormat);
    const RunSettings r = RunSettings::load(store);
    const RunSettings defaults;
    QCOMPARE(r.bits, defaults.bits);
    QCOMPARE(r.group_size, aq::kMinGroupSize);
    QCOMPARE(r.threads, defaults.threads);
    QCOMPARE(r.symmetric, true);
    QCOMPARE(r.calibration.damping, CalibrationSettings::kMaxDamping);
    QCOMPARE(r.budget.bpw, defaults.budget.bpw);
  }

  void recentFilesAreCappedAndDeduplicated() {
    AppSettings::clearRecentFiles();
    for (int i = 0; i < 14; ++i) AppSettings::addRecentFile(QString("/m/model%1.safetensors").arg(i));
    AppSettings::addRecentFile("/m/model5.safetensors");
    const QStringList r = AppSettings::recentFiles();
    QCOMPARE(r.size(), AppSettings::kMaxRecent);
    QCOMPARE(r.front(), QString("/m/model5.safetensors"));
    QCOMPARE(r.count("/m/model5.safetensors"), 1);
  }

  void themePersists() {
    AppSettings::setTheme(Theme::Dark);
    QCOMPARE(AppSettings::theme(), Theme::Dark);
    AppSettings::setTheme(Theme::Light);
    QCOMPARE(AppSettings::theme(), Theme::Light);
  }
};

QTEST_MAIN(SettingsTest)
#include "settings_test.moc"
