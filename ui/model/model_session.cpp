#include "ui/model/model_session.h"

#include "io/logical_model.h"
#include "io/model_source.h"
#include "job/session.h"
#include "ui/model/model_loader.h"

namespace aqui {

ModelSession::ModelSession(QObject* parent) : QObject(parent), loader_(new ModelLoader(this)) {
  connect(loader_, &ModelLoader::loading, this, &ModelSession::loading);
  connect(loader_, &ModelLoader::failed, this, &ModelSession::failed);
  connect(loader_, &ModelLoader::loaded, this, [this](const QString& path, std::shared_ptr<const aq::Session> session) {
    session_ = std::move(session);
    source_ = session_->shared_source();
    plan_.reset();
    const QString previous = path_;
    path_ = path;
    emit opened(path, previous);
  });
  connect(loader_, &ModelLoader::loadedQuantized, this,
          [this](const QString& path, std::shared_ptr<const aq::LogicalModel> model) {
            session_.reset();
            source_.reset();
            plan_.reset();
            path_ = path;
            emit openedQuantized(path, std::move(model));
          });
}

void ModelSession::open(const QString& path) { loader_->open(path); }

void ModelSession::openDemo() { loader_->openDemo(); }

bool ModelSession::replan(const aq::PlanOptions& options) {
  if (!source_) return false;
  plan_ = aq::make_plan(*source_, options);
  return true;
}

}  // namespace aqui
