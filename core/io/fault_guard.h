#pragma once
// Memory-mapped input files can shrink under us (truncated by another program, a network file
// system losing its server). Reading such a page raises SIGBUS, which would kill the process and
// leave its temporary output behind. Mappings registered here are guarded instead: a faulting page
// is replaced by a page of zeros and the fault is counted, and the reader turns the count into an
// I/O error for the tensor it was reading (ModelSource::check_read).
#include <cstddef>
#include <cstdint>

namespace aq {

/// Starts guarding [begin, begin + size). Returns a slot for the calls below, or -1 when every
/// slot is taken (then that mapping is unguarded, as before). Installs the handler on first use.
int guard_mapping(const void* begin, std::size_t size);
/// Stops guarding; call before unmapping.
void unguard_mapping(int slot);
/// Faults seen in the slot's mapping so far.
uint64_t mapping_faults(int slot);

/// Process-wide settings every front end makes first: SIGXFSZ ignored, so that a file-size limit
/// (ulimit -f) makes write() fail with EFBIG instead of killing the process; the SIGBUS guard
/// installed.
void install_process_guards();

}  // namespace aq
