#pragma once
// Opens models off the GUI thread (a diffusers folder or an HDF5 file can take a moment, and the
// demo model may have to be generated first). Only the latest request is delivered. A quantized
// file (a GGUF of block types, ArrowQuant's packed output) is delivered as a LogicalModel, to be
// shown read-only and compared with its original, never quantized again. A model to quantize is
// delivered as an engine Session: estimates and runs use it as it is, never re-opening the file.
#include <QObject>
#include <memory>

namespace aq {
class LogicalModel;
class Session;
}

namespace aqui {

class ModelLoader : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;

  void open(const QString& path);
  /// Creates the built-in demo model if needed (aq::ensure_demo_model), then opens it.
  void openDemo();
  bool busy() const { return busy_; }

 signals:
  void loading(const QString& what);
  void loaded(const QString& path, std::shared_ptr<const aq::Session> session);
  void loadedQuantized(const QString& path, std::shared_ptr<const aq::LogicalModel> model);
  void failed(const QString& path, const QString& message);

 private:
  quint64 generation_ = 0;
  bool busy_ = false;
};

}  // namespace aqui
