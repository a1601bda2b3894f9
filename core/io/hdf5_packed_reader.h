#pragma once
// Internal to the HDF5 reader: ArrowQuant's own HDF5 output (hdf5_packed_writer.cpp's layout,
// docs/FORMAT.md) read back as the tensors of the packed safetensors file. Callers hold
// hdf5_mutex().
#include <filesystem>

#include <hdf5.h>

#include "io/hdf5_collector.h"
#include "util/result.h"

namespace aq::hdf5_detail {

/// True if the root group of `file_id` says format = "arrowquant" (then its format_version must
/// be the one this build reads), false for any other HDF5 file.
Result<bool> is_packed_file(hid_t file_id, const std::filesystem::path& file);

/// Visits object `name` under `loc` (a group of the walk): a group with a `kind` attribute is one
/// original tensor, whose datasets become NAME.aq_codes / .aq_scales / .aq_zeros (quantized) or
/// NAME (kept) in `c.found`, its description in `c.quantized`. Other groups are passed over.
void add_packed_group(Collector& c, hid_t loc, const char* name);

}  // namespace aq::hdf5_detail
