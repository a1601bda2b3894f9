#pragma once
// The packed-metadata fuzz loop's mutations: of the `arrowquant` spec (types of every field,
// negative and huge rows/cols/group_size/bits, shapes that disagree with rows x cols, cols x bits
// overflowing 64 bits, missing fields, format_version variants, tensors missing or extra) and of
// the packed tensors' shapes, dtypes and bytes. Each appends what it did to `what`.
#include <string>

#include "fuzz_support.h"
#include "packed_file_edit.h"

namespace aqfuzz {

void mutate_spec(PFile& f, Rng& rng, std::string& what);
void mutate_tensors(PFile& f, Rng& rng, std::string& what);
/// Whether `s` ends with `suffix`.
bool has_suffix(const std::string& s, std::string_view suffix);

}  // namespace aqfuzz
