#pragma once
// Reading a group of saved settings that a user may have edited by hand: a value that is
// missing, does not parse or is not finite keeps the default, and numbers are clamped to the
// range the setting allows. The group is entered for the reader's lifetime.
#include <QString>
#include <QStringList>

class QSettings;

namespace aqui {

class SettingsReader {
 public:
  SettingsReader(QSettings& settings, const QString& group);
  ~SettingsReader();
  SettingsReader(const SettingsReader&) = delete;
  SettingsReader& operator=(const SettingsReader&) = delete;

  void read(const char* key, bool& value) const;
  void read(const char* key, QString& value) const;
  void read(const char* key, QStringList& value) const;
  void read(const char* key, int& value, int lo, int hi) const;
  void read(const char* key, double& value, double lo, double hi) const;
  /// The stored text, empty when absent (for values parsed by their own rules: names, ids).
  QString text(const char* key) const;

 private:
  QSettings& s_;
};

}  // namespace aqui
