#pragma once
// The settings of a run as the user sees them, and their translation to the engine's JobConfig.
#include <QString>
#include <QStringList>

#include "job/job.h"
#include "ui/settings/budget_settings.h"
#include "ui/settings/calibration_settings.h"
#include "ui/settings/output_format.h"

class QSettings;

namespace aqui {

struct RunSettings {
  int bits = 4;             // 2, 3, 4 or 8 (packed and HDF5; a GGUF output takes ggml_type)
  int group_size = 64;      // 0: per-channel (one group per row)
  bool symmetric = false;
  aq::Method method = aq::Method::Search;
  aq::Mode mode = aq::Mode::Streaming;
  int threads = 0;          // 0: all cores
  bool write_output = true; // false: measure only
  QString output;           // the file written when write_output
  // The output's name follows the model and the settings unless the user typed one for a model:
  QString output_named_for;  // the model whose output name the user typed (empty: none)
  QString output_dir;        // a folder the user chose for outputs (empty: next to the model)
  CalibrationSettings calibration;  // GPTQ from recorded activations; off without a file
  BudgetSettings budget;            // mixed precision under a size budget; off by default
  OutputFormat format = OutputFormat::Packed;
  QString ggml_type = "q4_k";  // GGUF only: the type of the quantized tensors (ggml's name)
  QString gguf_arch;           // GGUF only: general.architecture; empty: from the family, "none": omit
  /// Per-layer rules, first match wins, each as `--rule` takes it ("REGEX=keep", "REGEX=4:64",
  /// "REGEX=q6_k"; plan/rule_text.h). Only specs the core's parser accepts are kept.
  QStringList rules;

  aq::QuantScheme scheme() const;
  aq::PlanOptions planOptions() const;
  aq::JobConfig jobConfig(const QString& input) const;

  void save(QSettings& s) const;
  static RunSettings load(QSettings& s);

  bool operator==(const RunSettings&) const = default;
};

/// The specs of RunSettings::rules in the engine's type, through its parser; a spec it refuses
/// (an edited settings file) is left out.
std::vector<aq::UserRule> parseRules(const QStringList& specs);

/// Group sizes the panel offers (custom group sizes are allowed too). Bit widths come from the
/// engine's scheme table (quant/scheme_traits.h).
inline constexpr int kGroupSizes[] = {32, 64, 128, 256};

}  // namespace aqui
