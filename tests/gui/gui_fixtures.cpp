#include "gui_fixtures.h"

#include <functional>

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>
#include <QTest>

#include "test_support.h"
#include "ui/main_window.h"

namespace guitest {

void isolateSettings() {
  static QTemporaryDir dir;  // lives for the whole test executable
  QCoreApplication::setOrganizationName("ArrowQuantTest");
  QCoreApplication::setApplicationName("arrowquant-test");
  for (auto fmt : {QSettings::NativeFormat, QSettings::IniFormat})
    QSettings::setPath(fmt, QSettings::UserScope, dir.path());
  QSettings().clear();
  // Runs replace their outputs without a dialog; the test of the question sets its own answer.
  aqui::MainWindow::setDefaultOverwriteConfirmer([](QWidget*, const QStringList&) { return true; });
}

void writeSmallDit(const std::filesystem::path& path, int hidden, int blocks, uint64_t seed) {
  using aqtest::FixtureTensor;
  std::vector<FixtureTensor> t;
  auto add = [&](const std::string& name, std::vector<int64_t> shape, float stddev = 0.02f) {
    int64_t n = 1;
    for (auto d : shape) n *= d;
    t.push_back({name, "F16", shape, aqtest::f16_bytes(aqtest::gaussian(std::size_t(n), seed + t.size(), stddev))});
  };
  const int64_t h = hidden;
  add("pos_embed", {1, 16, h});
  add("x_embedder.proj.weight", {h, 4, 2, 2});
  add("x_embedder.proj.bias", {h});
  add("t_embedder.mlp.0.weight", {h, 256});
  add("t_embedder.mlp.0.bias", {h});
  for (int b = 0; b < blocks; ++b) {
    const std::string p = "blocks." + std::to_string(b) + ".";
    add(p + "attn.qkv.weight", {3 * h, h});
    add(p + "attn.qkv.bias", {3 * h});
    add(p + "attn.proj.weight", {h, h});
    add(p + "attn.proj.bias", {h});
    add(p + "mlp.fc1.weight", {4 * h, h}, 0.03f);
    add(p + "mlp.fc1.bias", {4 * h});
    add(p + "mlp.fc2.weight", {h, 4 * h}, 0.01f);
    add(p + "mlp.fc2.bias", {h});
    add(p + "adaLN_modulation.1.weight", {6 * h, h});
  }
  add("final_layer.linear.weight", {32, h});
  aqtest::write_safetensors(path, t);
}

namespace {
bool openWith(aqui::MainWindow& w, const std::function<void()>& open, int timeoutMs) {
  QSignalSpy ok(&w, &aqui::MainWindow::modelLoaded);
  QSignalSpy bad(&w, &aqui::MainWindow::modelFailed);
  open();
  QElapsedTimer t;
  t.start();
  while (ok.isEmpty() && bad.isEmpty() && t.elapsed() < timeoutMs) QTest::qWait(10);
  return !ok.isEmpty();
}
}  // namespace

bool openAndWait(aqui::MainWindow& w, const QString& path, int timeoutMs) {
  return openWith(w, [&] { w.openModel(path); }, timeoutMs);
}

bool openDemoAndWait(aqui::MainWindow& w, int timeoutMs) {
  return openWith(w, [&] { w.openDemoModel(); }, timeoutMs);
}

bool runAndWait(aqui::MainWindow& w, const std::vector<int>& bits, int timeoutMs) {
  // A local event loop, as the application's: it wakes for each event. (QTest::qWait sleeps
  // 10 ms between its turns, which would delay every delivery of the job's events.)
  QEventLoop loop;
  bool done = false, complete = false;
  auto c = QObject::connect(&w, &aqui::MainWindow::runsFinished, &loop, [&](const std::vector<int>&, bool all) {
    done = true;
    complete = all;
    loop.quit();
  });
  const bool started = bits.empty() ? w.startRun() : w.startCompare(bits);
  if (!started) {
    QObject::disconnect(c);
    return false;
  }
  QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
  if (!done) loop.exec();
  QObject::disconnect(c);
  return done && complete;
}

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

}  // namespace guitest
