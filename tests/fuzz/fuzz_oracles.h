#pragma once
// What every fuzz loop checks of an opened (or refused) model.
#include <filesystem>
#include <string>

#include "fuzz_support.h"
#include "io/model_source.h"

namespace aqfuzz {

/// Checks an accepted source: every tensor's element count and byte size agree without overflow,
/// its bytes lie inside its file, and reading every row of it (all bytes touched) works.
/// Problems are reported as findings of `loop`. Returns false if there was one.
bool check_source(FuzzLoop& loop, const aq::ModelSource& src);

/// Checks an Error: a non-empty reason, and a file that is `expected_file` (or, when
/// `expected_file` is a folder, a path inside it). Returns false on a finding.
bool check_error(FuzzLoop& loop, const aq::Error& e, const std::filesystem::path& expected_file);

/// aq::open_model(path) with both oracles, counting "opened" / "refused".
void open_and_check(FuzzLoop& loop, const std::filesystem::path& path);

}  // namespace aqfuzz
