// The calibration settings: the group's controls, its status line for valid and invalid files,
// persistence across a restart of the window, the JobConfig they give, and --calibration.
#include <QApplication>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

#include "calibration_fixture.h"
#include "gui_fixtures.h"
#include "test_support.h"
#include "ui/app/launch_director.h"
#include "ui/app/launch_options.h"
#include "ui/main_window.h"
#include "ui/settings/app_settings.h"
#include "ui/settings/calibration_group.h"
#include "ui/settings/settings_panel.h"
#include "ui/settings/theme.h"

using namespace aqui;

namespace {

QString qs(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }

// A valid two-bucket file with edges 0, 50, 100 and one layer.
void writeValid(const std::filesystem::path& path) {
  aqtest::CalFile f;
  f.bucket_edges = {0, 50, 100};
  f.layers = {aqtest::hessian_layer("blocks.0.attn.qkv.weight", 16, 1, 2)};
  aqtest::write_calibration(path, f);
}

// Types a path into the group's field the way a user does (editing finished by Return).
void typeFile(CalibrationGroup& g, const QString& path) {
  auto* edit = g.findChild<QLineEdit*>("calibrationFile");
  edit->setFocus();
  edit->setText(path);
  QTest::keyClick(edit, Qt::Key_Return);
}

bool waitRead(CalibrationGroup& g) {
  QElapsedTimer t;
  t.start();
  while ((g.reading() || !g.summary()) && t.elapsed() < 20000) QTest::qWait(10);
  return g.summary().has_value();
}

}  // namespace

class CalibrationSettingsTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    initUiResources();
  }

  void everyControlExplainsItself() {
    CalibrationGroup g;
    for (const char* name : {"calibrationFile", "calibrationBrowse", "calibrationClear", "damping", "actOrder",
                             "calibrationStatus"}) {
      auto* w = g.findChild<QWidget*>(name);
      QVERIFY2(w, name);
      QVERIFY2(!w->toolTip().isEmpty(), name);
    }
    // Defaults: no file, 1 % damping, in order; damping and act-order wait for a file.
    QCOMPARE(g.value(), CalibrationSettings{});
    QCOMPARE(g.findChild<QDoubleSpinBox*>("damping")->value(), 1.0);
    QVERIFY(!g.findChild<QDoubleSpinBox*>("damping")->isEnabled());
    QVERIFY(g.statusText().contains("data-free"));
    QVERIFY(g.problem().isEmpty());
  }

  void statusLineSaysWhatTheFileHolds() {
    const auto file = dir_ / "good.h5";
    writeValid(file);
    CalibrationGroup g;
    QSignalSpy changed(&g, &CalibrationGroup::changed);
    QSignalSpy inspected(&g, &CalibrationGroup::inspected);
    typeFile(g, qs(file));
    QCOMPARE(changed.size(), 1);
    QVERIFY(waitRead(g));
    QCOMPARE(g.statusText(), QString("2 buckets (t 0–99), 1 layer"));
    QVERIFY(g.problem().isEmpty());
    QCOMPARE(inspected.size(), 1);
    QCOMPARE(inspected.front().front().value<CalibrationSummary>().edges, (std::vector<int64_t>{0, 50, 100}));
    QVERIFY(g.findChild<QDoubleSpinBox*>("damping")->isEnabled());

    // Clear: back to data-free, and the form says so.
    QTest::mouseClick(g.findChild<QToolButton*>("calibrationClear"), Qt::LeftButton);
    QVERIFY(g.value().file.isEmpty());
    QCOMPARE(changed.size(), 2);
    QVERIFY(g.statusText().contains("data-free"));
  }

  void invalidFileShowsItsErrorAndIsAProblem() {
    const auto file = dir_ / "broken-cal.h5";
    aqtest::write_file(file, {'n', 'o', 't', ' ', 'h', 'd', 'f'});
    CalibrationGroup g;
    g.show();
    typeFile(g, qs(file));
    QVERIFY(waitRead(g));
    QVERIFY2(g.statusText().contains("not an HDF5 file"), qPrintable(g.statusText()));
    QVERIFY(g.statusText().contains("broken-cal.h5"));
    auto* status = g.findChild<QLabel*>("calibrationStatus");
    QVERIFY(status->styleSheet().contains(errorTextColor(g.palette()).name()));
    // The refusal names the file in full.
    QVERIFY2(g.problem().contains(qs(file)), qPrintable(g.problem()));

    // Fixed on disk: no longer a problem (the run would check it), and it is read again.
    QTest::qWait(20);  // a new modification time even on coarse clocks
    writeValid(file);
    QVERIFY(g.problem().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(!g.reading() && g.statusText().startsWith("2 buckets"), 20000);
    QVERIFY(status->styleSheet().isEmpty());
  }

  void missingFileIsAProblemToo() {
    CalibrationGroup g;
    typeFile(g, qs(dir_ / "nowhere.h5"));
    QVERIFY(waitRead(g));
    QVERIFY(g.problem().contains("no such file"));
  }

  void settingsSurviveARestart() {
    const auto file = dir_ / "kept.h5";
    writeValid(file);
    {
      MainWindow w;
      auto* g = w.settingsPanel()->calibration();
      typeFile(*g, qs(file));
      g->findChild<QDoubleSpinBox*>("damping")->setValue(2.5);
      g->findChild<QCheckBox*>("actOrder")->setChecked(true);
      w.close();
    }
    const RunSettings saved = AppSettings::runSettings();
    QCOMPARE(saved.calibration.file, qs(file));
    QCOMPARE(saved.calibration.damping, 0.025);
    QVERIFY(saved.calibration.act_order);

    MainWindow w2;
    auto* g2 = w2.settingsPanel()->calibration();
    QCOMPARE(g2->findChild<QLineEdit*>("calibrationFile")->text(), qs(file));
    QCOMPARE(g2->findChild<QDoubleSpinBox*>("damping")->value(), 2.5);
    QVERIFY(g2->findChild<QCheckBox*>("actOrder")->isChecked());
    QVERIFY(waitRead(*g2));  // read again at start, so the status line is there
    QVERIFY(g2->statusText().startsWith("2 buckets"));
    w2.close();
    AppSettings::setRunSettings({});
  }

  void runSettingsRoundTripAndJobConfig() {
    RunSettings r;
    r.calibration = {"/data/cal.h5", 0.05, true};
    AppSettings::setRunSettings(r);
    QCOMPARE(AppSettings::runSettings(), r);
    const aq::JobConfig c = r.jobConfig("/m/in.safetensors");
    QCOMPARE(QString::fromStdString(c.calibration.file.string()), QString("/data/cal.h5"));
    QCOMPARE(c.calibration.gptq.damping, 0.05);
    QVERIFY(c.calibration.gptq.act_order);
    QVERIFY(c.calibration.gptq.compensate);
    // Without a file, nothing of it reaches the engine.
    r.calibration.file.clear();
    QVERIFY(!r.jobConfig("/m/in.safetensors").calibration.enabled());
    QVERIFY(!r.jobConfig("/m/in.safetensors").calibration.gptq.act_order);

    // A damping edited out of range in the settings file comes back within range.
    QSettings().setValue("run/calibration/damping", 50.0);
    QCOMPARE(AppSettings::runSettings().calibration.damping, CalibrationSettings::kMaxDamping);
    AppSettings::setRunSettings({});
  }

  void launchOptionSetsTheFile() {
    LaunchOptions o;
    QString message;
    QCOMPARE(parseLaunchOptions({"arrowquant", "--calibration", "rel/cal.h5"}, o, message), ParseOutcome::Run);
    QCOMPARE(o.calibration, QFileInfo("rel/cal.h5").absoluteFilePath());
    QVERIFY(message.contains("--calibration"));
  }
};

QTEST_MAIN(CalibrationSettingsTest)
#include "calibration_settings_test.moc"
