// After a run (issue 10): open the output's folder, verify the written file against the source
// (the table marks each tensor), open the result as a model, and copy the equivalent command line.
#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QSignalSpy>
#include <QFileInfo>
#include <QTest>

#include "gui_fixtures.h"
#include "job/command_line.h"
#include "test_support.h"
#include "ui/job/after_run_actions.h"
#include "ui/main_window.h"
#include "ui/model/layer_table_model.h"
#include "ui/model/quantized_model_bar.h"
#include "util/shell_quote.h"

using namespace aqui;

namespace {
QString qs(const std::filesystem::path& p) { return QString::fromStdString(p.string()); }
}  // namespace

class AfterRunTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    MainWindow::setDefaultOverwriteConfirmer([](QWidget*, const QStringList&) { return true; });
    guitest::writeSmallDit(dir_ / "model.safetensors", 128, 2);
  }

  void actionsOnTheLastRun() {
    MainWindow w;
    w.show();
    AfterRunActions* after = guitest::part<aqui::AfterRunActions>(w);
    QVERIFY(guitest::openAndWait(w, qs(dir_ / "model.safetensors")));
    for (QAction* a : {after->openFolderAction(), after->verifyAction(), after->openResultAction(),
                       after->copyCommandAction()})
      QVERIFY2(!a->isEnabled(), qPrintable(a->text()));
    QVERIFY(guitest::runAndWait(w));
    const RunRecord* run = guitest::part<aqui::RunHistory>(w)->last();
    QVERIFY(run);
    const QString output = qs(run->result->config.output);
    QVERIFY(QFileInfo(output).isFile());

    // The folder goes to the desktop's file manager.
    QString opened;
    after->setFolderOpener([&](const QString& folder) { opened = folder; });
    after->openFolderAction()->trigger();
    QCOMPARE(opened, QFileInfo(output).absolutePath());

    // The command line is the run's, as arrowquant-cli reads it (tests/cli/command_line_test).
    after->copyCommandAction()->trigger();
    const QString command = QApplication::clipboard()->text();
    QCOMPARE(command, QString::fromStdString(aq::shell_join(aq::quantize_command(run->result->config))));
    QVERIFY(command.startsWith("arrowquant-cli quantize "));
    QVERIFY(command.contains("--bits 4 --group-size 64"));

    // Verify reads the file back: every quantized tensor matches, and the table says so.
    QSignalSpy verified(after, &AfterRunActions::verified);
    after->verifyAction()->trigger();
    QTRY_COMPARE_WITH_TIMEOUT(verified.count(), 1, 30000);
    QVERIFY2(after->verdict().contains("match the run"), qPrintable(after->verdict()));
    int ticks = 0;
    for (int r = 0; r < guitest::part<aqui::LayerTableModel>(w)->rowCount(); ++r)
      ticks += guitest::part<aqui::LayerTableModel>(w)->index(r, LayerTableModel::Sqnr).data().toString().endsWith("✓");
    int quantized = 0;
    for (const auto& t : run->result->tensors) quantized += t.quantized();
    QVERIFY(quantized > 0);
    QCOMPARE(ticks, quantized);

    // Open the result: the window shows the written file, read-only.
    QSignalSpy loaded(&w, &MainWindow::modelLoaded);
    after->openResultAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(w.quantizedBar()->isVisible(), 30000);
  }
};

QTEST_MAIN(AfterRunTest)
#include "after_run_test.moc"
