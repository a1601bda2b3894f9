// The worker thread, the coalesced delivery of events, and cancel.
#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QTest>
#include <cstdio>

#include "gui_fixtures.h"
#include "io/model_source.h"
#include "test_support.h"
#include "ui/job/job_controller.h"
#include "ui/settings/run_settings.h"

using namespace aqui;

namespace {

struct Recorder {
  std::vector<qint64> times;  // ms since start, one per batch
  int plans = 0;
  std::size_t tensors = 0;
  std::size_t memory = 0;
  std::size_t logs = 0;
  std::optional<aq::Progress> last;
  std::shared_ptr<const aq::JobResult> result;
  QElapsedTimer clock;

  void attach(JobController& c) {
    clock.start();
    QObject::connect(&c, &JobController::batchReady, [this](const EventBatch& b) {
      times.push_back(clock.elapsed());
      plans += b.plan ? 1 : 0;
      tensors += b.tensors.size();
      memory += b.memory.size();
      logs += b.logs.size();
      if (b.progress) last = b.progress;
    });
    QObject::connect(&c, &JobController::finished,
                     [this](std::shared_ptr<const aq::JobResult> r) { result = std::move(r); });
  }
  bool wait(int ms = 120000) {
    QElapsedTimer t;
    t.start();
    while (!result && t.elapsed() < ms) QTest::qWait(5);
    return result != nullptr;
  }
};

aq::JobConfig config(const std::filesystem::path& in, const std::filesystem::path& out, int threads = 0,
                     OutputFormat format = OutputFormat::Packed) {
  RunSettings s;
  s.threads = threads;
  s.format = format;
  s.output = QString::fromStdString(out.string());
  return s.jobConfig(QString::fromStdString(in.string()));
}

}  // namespace

class JobControllerTest : public QObject {
  Q_OBJECT
  aqtest::TempDir dir_;
  std::filesystem::path small_, medium_;

 private slots:
  void initTestCase() {
    guitest::isolateSettings();
    small_ = dir_ / "small.safetensors";
    medium_ = dir_ / "medium.safetensors";
    guitest::writeSmallDit(small_);
    guitest::writeSmallDit(medium_, 512, 10);  // ~47 M parameters: long enough to cancel
  }

  void runDeliversPlanProgressAndResults() {
    JobController c;
    Recorder rec;
    rec.attach(c);
    const auto out = dir_ / "small-out.safetensors";
    QVERIFY(c.start(config(small_, out)));
    QVERIFY(c.isRunning());
    QVERIFY(!c.start(config(small_, out)));  // one job at a time
    QVERIFY(rec.wait());
    QVERIFY(!c.isRunning());
    QCOMPARE(rec.result->status, aq::JobStatus::Succeeded);
    QCOMPARE(rec.plans, 1);
    QCOMPARE(rec.tensors, rec.result->tensors.size());
    QVERIFY(rec.tensors > 0);
    QVERIFY(rec.logs > 0);  // the plan's rule decisions
    QVERIFY(rec.last);
    QCOMPARE(rec.last->tensors_done, rec.last->tensors_total);
    QVERIFY(std::filesystem::exists(out));
    // A run over before the first delivery is due is shown once, at its end, not twice.
    if (rec.result->wall_s * 1000 < DeliveryPacer::kFirstIntervalMs - 50) QCOMPARE(c.deliveries(), 1);
  }

  void deliveriesAreRateLimited() {
    JobController c;
    Recorder rec;
    rec.attach(c);
    // GGUF q4_k on one thread: long enough (a second or more) for several deliveries.
    QVERIFY(c.start(config(medium_, dir_ / "medium-out.gguf", 1, OutputFormat::Gguf)));
    QVERIFY(rec.wait());
    QCOMPARE(rec.result->status, aq::JobStatus::Succeeded);
    const double seconds = rec.clock.elapsed() / 1000.0;
    std::printf("medium run: %.2f s, %d deliveries, %zu memory samples, %zu tensors\n", seconds,
                c.deliveries(), rec.memory, rec.tensors);
    QVERIFY(c.deliveries() <= int(seconds * 20) + 2);
    // The first delivery (it empties and refills every chart) waits for the first interval
    // (less the 5% a coarse Qt timer may fire early).
    QVERIFY2(rec.times.size() >= 2, "a run of a second or more is shown while it runs");
    QVERIFY2(rec.times[0] >= DeliveryPacer::kFirstIntervalMs * 95 / 100 - 2,
             qPrintable(QString("first at %1 ms").arg(rec.times[0])));
    // Between two deliveries at least the interval passes (the last one flushes the tail early).
    for (std::size_t i = 1; i + 1 < rec.times.size(); ++i)
      QVERIFY2(rec.times[i] - rec.times[i - 1] >= JobController::kDeliveryIntervalMs - 5,
               qPrintable(QString("gap %1 ms at %2").arg(rec.times[i] - rec.times[i - 1]).arg(i)));
    QCOMPARE(rec.tensors, rec.result->tensors.size());  // coalescing drops none
  }

  void cancelStopsQuicklyAndLeavesNoFile() {
    JobController c;
    Recorder rec;
    rec.attach(c);
    const auto out = dir_ / "cancelled.safetensors";
    QElapsedTimer sinceCancel;
    QObject::connect(&c, &JobController::started, [&] {  // as soon as it runs
      if (!sinceCancel.isValid()) {
        sinceCancel.start();
        c.cancel();
      }
    });
    QVERIFY(c.start(config(medium_, out, 1)));
    QVERIFY(rec.wait());
    const qint64 latency = sinceCancel.elapsed();
    std::printf("cancel to finished: %lld ms\n", static_cast<long long>(latency));
    QCOMPARE(rec.result->status, aq::JobStatus::Cancelled);
    QVERIFY(latency < 2000);
    QVERIFY(!std::filesystem::exists(out));
    // Nor any temporary file next to where it would have been.
    for (const auto& e : std::filesystem::directory_iterator(dir_.path()))
      QVERIFY2(e.path().filename().string().find("cancelled") == std::string::npos, e.path().c_str());
  }

  void destroyingARunningControllerCancels() {
    const auto out = dir_ / "destroyed.safetensors";
    {
      JobController c;
      QVERIFY(c.start(config(medium_, out, 1)));
      QTest::qWait(5);
    }  // the destructor cancels and joins
    QVERIFY(!std::filesystem::exists(out));
  }
};

QTEST_MAIN(JobControllerTest)
#include "job_controller_test.moc"
