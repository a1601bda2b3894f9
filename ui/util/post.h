#pragma once
// Hands a result from a pool thread back to an object on the GUI thread, safely even if that
// object has been destroyed meanwhile: the QPointer is made on the GUI thread and checked there.
#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>
#include <utility>

namespace aqui {

/// Runs `work()` on the global thread pool, then `deliver(result)` on the GUI thread if `target`
/// still exists. Call from the GUI thread.
template <class Work, class Deliver>
void runInPool(QObject* target, Work work, Deliver deliver) {
  QPointer<QObject> guard(target);
  QThreadPool::globalInstance()->start([guard, work = std::move(work),
                                        deliver = std::move(deliver)]() mutable {
    auto result = work();
    QMetaObject::invokeMethod(
        QCoreApplication::instance(),
        [guard, deliver = std::move(deliver), result = std::move(result)]() mutable {
          if (guard) deliver(std::move(result));
        },
        Qt::QueuedConnection);
  });
}

}  // namespace aqui
