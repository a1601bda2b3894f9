#pragma once
// A dismissable strip at the top of the window for errors the user must see (a model that will
// not open, a run that failed) without a modal dialog blocking the application.
#include <QFrame>

class QLabel;

namespace aqui {

class ErrorBanner : public QFrame {
  Q_OBJECT
 public:
  explicit ErrorBanner(QWidget* parent = nullptr);
  void showError(const QString& title, const QString& message);
  QString text() const;

 private:
  QLabel* label_;
};

}  // namespace aqui
