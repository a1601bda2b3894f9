#include "ui/compare/run_queue.h"

#include "gguf/type_choice.h"
#include "ui/util/format.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include "ui/job/job_controller.h"

namespace aqui {

RunQueue::RunQueue(JobController* controller, RunHistory* history, QObject* parent)
    : QObject(parent), controller_(controller), history_(history) {
  connect(controller_, &JobController::finished, this, &RunQueue::onFinished);
}

bool RunQueue::start(std::vector<aq::JobConfig> configs, std::shared_ptr<const aq::Session> session) {
  if (active_ || controller_->isRunning() || configs.empty()) return false;
  configs_ = std::move(configs);
  session_ = std::move(session);
  ids_.clear();
  next_ = 0;
  active_ = true;
  stop_ = false;
  failed_ = false;
  startNext();
  return true;
}

void RunQueue::cancel() {
  if (!active_) return;
  stop_ = true;
  controller_->cancel();
}

void RunQueue::startNext() {
  const aq::JobConfig& c = configs_[std::size_t(next_)];
  ++next_;
  // The job first: the window's preparations for it (the settings disabled, the live tab shown)
  // then overlap the job's planning instead of delaying it. Its events arrive after them all the same:
  // they are queued to this thread.
  controller_->start(c, session_);
  emit jobStarting(next_, int(configs_.size()), c);
}

void RunQueue::onFinished(std::shared_ptr<const aq::JobResult> result) {
  if (!active_) return;
  if (result->status == aq::JobStatus::Succeeded) {
    ids_.push_back(history_->add(result).id);
    emit runRecorded(*history_->last());
  } else {
    failed_ = true;
    emit runFailed(result);
  }
  // A failure stops the queue too: the next runs would most likely fail the same way.
  if (stop_ || failed_ || next_ >= int(configs_.size())) {
    active_ = false;
    session_.reset();
    emit finished(ids_, !stop_ && !failed_);
    return;
  }
  startNext();
}

std::vector<aq::JobConfig> compareConfigs(const RunSettings& base, const QString& input,
                                          const std::vector<int>& bits) {
  std::vector<aq::JobConfig> out;
  for (int b : bits) {
    RunSettings s = base;
    s.bits = b;
    // A GGUF output compares the ggml types these widths stand for (8 q8_0, 4 q4_k, 3 q3_k, 2 q2_k).
    if (s.format == OutputFormat::Gguf)
      if (const auto* t = aq::gguf::type_for_bits(b)) s.ggml_type = qstr(std::string(t->name));
    if (s.write_output && !s.output.isEmpty()) {
      // model-int4.safetensors -> model-int2.safetensors, model-q4_k.gguf -> model-q2_k.gguf;
      // otherwise the scheme is inserted before the suffix.
      const QFileInfo fi(s.output);
      s.output = fi.dir().filePath(outputFileName(stripSchemeSuffix(fi.completeBaseName()), s.format, b, s.ggml_type));
    }
    out.push_back(s.jobConfig(input));
  }
  return out;
}

}  // namespace aqui
