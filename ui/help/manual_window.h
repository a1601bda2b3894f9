#pragma once
// The in-app manual (Help ▸ Manual, F1): resources/help/manual.html, compiled in, shown in a
// QTextBrowser with back, forward, contents and find. Its colours follow the application's
// palette, so it reads the same in the light and the dark theme.
#include <QStringList>
#include <QUrl>
#include <QWidget>

class QLineEdit;
class QTextBrowser;

namespace aqui {

class ManualWindow : public QWidget {
  Q_OBJECT
 public:
  /// A separate window that stays above `parent` and closes with it.
  explicit ManualWindow(QWidget* parent = nullptr);

  static QUrl manualUrl();  // qrc:/help/manual.html

  /// Shows and raises the window at `anchor` ("chart-memory"), or at the top when empty.
  void showSection(const QString& anchor = {});
  QTextBrowser* browser() const { return browser_; }
  /// Every anchor name in the loaded page.
  QStringList anchors() const;

 protected:
  void changeEvent(QEvent* e) override;

 private:
  void applyPalette();  // the page's style sheet from the palette, then a reload
  void find(bool backward);

  QTextBrowser* browser_;
  QLineEdit* find_;
};

}  // namespace aqui
