#pragma once
// The open model, as the window holds it: the engine session (source, file stamps) of a model to
// quantize, or nothing for a quantized file opened read-only; its path; and the plan for the
// current settings. Opening goes through ModelLoader, off the GUI thread.
#include <QObject>
#include <QString>
#include <memory>
#include <optional>

#include "plan/plan.h"

namespace aq {
class LogicalModel;
class ModelSource;
class Session;
}  // namespace aq

namespace aqui {

class ModelLoader;

class ModelSession : public QObject {
  Q_OBJECT
 public:
  explicit ModelSession(QObject* parent = nullptr);

  void open(const QString& path);
  void openDemo();

  const QString& path() const { return path_; }
  /// The model to quantize; null when none is open, or a quantized file is open read-only.
  std::shared_ptr<const aq::Session> session() const { return session_; }
  std::shared_ptr<const aq::ModelSource> source() const { return source_; }
  /// The plan for the last replan(); empty without a model to quantize.
  const std::optional<aq::Plan>& plan() const { return plan_; }
  /// Plans the held model with `options` (instant); false without a model to quantize.
  bool replan(const aq::PlanOptions& options);

 signals:
  void loading(const QString& what);
  /// A model to quantize is open (session() and source() are set; plan() is not yet).
  void opened(const QString& path, const QString& previousPath);
  /// A quantized file is open read-only: nothing to quantize.
  void openedQuantized(const QString& path, std::shared_ptr<const aq::LogicalModel> model);
  /// Opening failed; the model that was open stays open.
  void failed(const QString& path, const QString& message);

 private:
  ModelLoader* loader_;
  std::shared_ptr<const aq::Session> session_;
  std::shared_ptr<const aq::ModelSource> source_;  // session_'s
  std::optional<aq::Plan> plan_;
  QString path_;
};

}  // namespace aqui
