#pragma once
// Included first by every kernel file. The scalar and AVX2 kernels promise bit-identical codes,
// scales and sums, so no compiler may fuse a*b+c into an FMA behind our back: GCC does so even
// across intrinsics (-ffp-contract=fast is its C++ default), which would make the two paths
// round differently as soon as FMA is enabled (the AVX2 file, or a -march=native build).
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif
