#pragma once
// Every goal threshold of the benchmark report in one table (issues 4, 8, 9), so a target is
// changed in one place and the goal table's "Target" column always matches what is checked.
namespace aqb::goal {

// Memory (issue 4).
inline constexpr double kStreamingPeakMiB = 128;       // streaming peak resident memory, any model
inline constexpr double kStreamingOverBatch7b = 0.05;  // streaming peak / batch peak on the 7B shape

// Kernel speed, one thread, fp16 input, g64 asymmetric (issue 4), in Gparam/s.
inline constexpr double kInt8MinMaxGps = 2.5;
inline constexpr double kInt4MinMaxGps = 1.5;
inline constexpr double kInt4SearchGps = 0.25;

inline constexpr double kWholeModelOfReadRoof = 0.5;  // whole model, all threads, vs memory-read roof
inline constexpr double kAvx2OverScalar = 4;          // every scheme
inline constexpr double kTwoThreadsOverOne = 1.8;     // whole model
inline constexpr double kOverNumpy = 20;              // same matrix, one thread each

// GGUF (issue 8): our SQNR minus ggml's reference, averaged over the K types and both matrices.
inline constexpr double kKTypeGainDb = 0.3;

// Calibration (issue 9): a DiT-XL/2-shaped model on 2 threads.
inline constexpr double kCalibratedXl2Seconds = 120;

}  // namespace aqb::goal
