#include "ui/compare/original_compare.h"

#include <QDir>
#include <QFileInfo>

#include "io/logical_model.h"
#include "job/compare_results.h"
#include "ui/settings/output_format.h"
#include "ui/util/format.h"
#include "ui/util/post.h"

namespace aqui {
namespace {

struct Outcome {
  std::shared_ptr<const OriginalComparison> result;
  QString error;
};

}  // namespace

bool OriginalComparer::start(const QString& original, const QString& quantized,
                             std::shared_ptr<const aq::LogicalModel> model) {
  if (busy_ || !model) return false;
  busy_ = true;
  runInPool(
      this,
      [original, quantized, model] {
        auto c = aq::compare_models(sstr(original), sstr(quantized));
        if (!c) return Outcome{nullptr, qstr(c.error().message())};
        auto r = std::make_shared<OriginalComparison>();
        r->original = original;
        r->quantized = quantized;
        r->results = aq::comparison_results(*c, *model);
        r->comparison = std::move(c.value());
        return Outcome{std::move(r), {}};
      },
      [this](Outcome o) {
        busy_ = false;
        if (o.result) emit finished(o.result);
        else emit failed(o.error);
      });
  return true;
}

QString guessOriginal(const QString& quantizedPath) {
  const QFileInfo q(quantizedPath);
  QString stem = q.completeBaseName();
  const QString base = stripSchemeSuffix(stem);
  const QDir dir = q.absoluteDir();
  // The stripped name first ("demo" for demo-q4_k.gguf), then the same name in another format.
  for (const QString& name : {base, stem}) {
    for (const char* ext : {".safetensors", ".safetensors.index.json", ".h5", ".hdf5", ".gguf"}) {
      const QFileInfo f(dir.filePath(name + ext));
      if (f.isFile() && f.absoluteFilePath() != q.absoluteFilePath()) return f.absoluteFilePath();
    }
    const QFileInfo folder(dir.filePath(name));
    if (folder.isDir() && QFileInfo(folder.filePath() + "/model_index.json").isFile()) return folder.absoluteFilePath();
  }
  return {};
}

}  // namespace aqui
