// libFuzzer target: the bytes of a safetensors file -> aq::parse_safetensors_header.
// An accepted header must describe tensors whose bytes lie inside the input, with byte sizes that
// are element count x dtype size; every such byte is read (so ASan sees a bad bound).
#include <cstdint>
#include <cstdlib>
#include <cstdio>

#include "io/safetensors_header.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = aq::parse_safetensors_header(reinterpret_cast<const std::byte*>(data), size, "fuzz.safetensors", 0);
  if (!r.ok()) {
    if (r.error().reason.empty() || r.error().file != "fuzz.safetensors") {
      std::fprintf(stderr, "bad Error: %s\n", r.error().message().c_str());
      std::abort();
    }
    return 0;
  }
  if (r->tensors.empty()) std::abort();
  unsigned sum = 0;
  for (const auto& t : r->tensors) {
    unsigned __int128 numel = 1;
    for (int64_t d : t.shape) {
      if (d < 0) std::abort();
      numel *= uint64_t(d);
    }
    if (numel * aq::dtype_size(t.dtype) != t.nbytes) {
      std::fprintf(stderr, "tensor %s: nbytes %llu is not numel x dtype size\n", t.name.c_str(),
                   static_cast<unsigned long long>(t.nbytes));
      std::abort();
    }
    if (t.offset < r->data_begin || (unsigned __int128)t.offset + t.nbytes > size) {
      std::fprintf(stderr, "tensor %s: bytes [%llu, +%llu) outside the %zu-byte input\n", t.name.c_str(),
                   static_cast<unsigned long long>(t.offset), static_cast<unsigned long long>(t.nbytes), size);
      std::abort();
    }
    for (uint64_t k = 0; k < t.nbytes; ++k) sum += data[t.offset + k];
  }
  volatile unsigned sink = sum;
  (void)sink;
  return 0;
}
